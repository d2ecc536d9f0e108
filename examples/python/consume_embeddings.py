#!/usr/bin/env python3
"""Read towerstream's compacted `embeddings` topic into numpy arrays.

Every value on the topic is an EmbeddingUpdate in Avro *single-object encoding*: the marker bytes
C3 01, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema's canonical form, then
the Avro binary body. Common Python Avro readers decode only the body, so this script checks the
marker, looks the fingerprint up among the schemas in `schemas/avro/` (the current one and the
superseded versions in `history/`) and decodes the body with that writer schema, resolved to the
current one. It keeps the update with the highest (modelVersion, sequence) per key, as the store
does, and drops keys whose latest record is a tombstone.

Needs Debian's python3-confluent-kafka, python3-avro and python3-numpy (or the same from PyPI).

    consume_embeddings.py --bootstrap-servers localhost:9092 --user 1 --k 10
    consume_embeddings.py --bootstrap-servers localhost:9092 --npz embeddings.npz
"""

import argparse
import io
import json
import os
import sys
import uuid

import avro.errors
import avro.io
import avro.schema
import numpy as np
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

MARKER = b"\xc3\x01"
SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "avro")
CRC64_EMPTY = 0xC15D213AA4D7A795  # the Avro specification's CRC-64-AVRO


def _crc64_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (CRC64_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc64_table()


def _primitives_as_names(node):
    # The specification's canonical form writes a primitive as its bare name; python3-avro 1.11 keeps
    # {"type":"long"} where the schema had {"type":"long","logicalType":...}, so its fingerprints
    # would differ from every other implementation's.
    if isinstance(node, dict):
        if list(node) == ["type"] and isinstance(node["type"], str):
            return node["type"]
        return {k: _primitives_as_names(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_primitives_as_names(v) for v in node]
    return node


def canonical_form(schema):
    """The schema's parsing canonical form, as the Avro specification (and Java's) defines it."""
    tree = _primitives_as_names(json.loads(schema.canonical_form))
    return json.dumps(tree, separators=(",", ":"), ensure_ascii=False)


def fingerprint(schema):
    """CRC-64-AVRO of the schema's parsing canonical form: the writer's id in single-object encoding."""
    fp = CRC64_EMPTY
    for byte in canonical_form(schema).encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


def load_schemas(directory):
    """The current EmbeddingUpdate schema and every writer schema readable as it, by fingerprint."""
    with open(os.path.join(directory, "EmbeddingUpdate.avsc"), encoding="utf-8") as f:
        reader = avro.schema.parse(f.read())
    writers = {fingerprint(reader): reader}
    history = os.path.join(directory, "history")
    for name in sorted(os.listdir(history)) if os.path.isdir(history) else []:
        if name.startswith("EmbeddingUpdate.v") and name.endswith(".avsc"):
            with open(os.path.join(history, name), encoding="utf-8") as f:
                old = avro.schema.parse(f.read())
            writers[fingerprint(old)] = old
    return reader, writers


def decode(value, reader, writers):
    """One single-object-encoded EmbeddingUpdate as a dict; ValueError if it is not one."""
    if len(value) < 10 or value[:2] != MARKER:
        raise ValueError("not Avro single-object encoding (no C3 01 marker)")
    fp = int.from_bytes(value[2:10], "little")
    writer = writers.get(fp)
    if writer is None:
        raise ValueError("unknown writer schema fingerprint %016x" % fp)
    datum_reader = avro.io.DatumReader(writer, reader)
    return datum_reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


def latest_embeddings(bootstrap_servers, topic="embeddings", schemas=SCHEMAS, timeout_s=60.0):
    """Reads the topic from the beginning to its end; returns ({key: update}, undecodable count)."""
    reader, writers = load_schemas(schemas)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap_servers,
            "group.id": "consume-embeddings-" + uuid.uuid4().hex,  # assigned, never committed
            "enable.auto.commit": False,
            "isolation.level": "read_committed",  # exactly-once jobs publish in transactions
            "enable.partition.eof": True,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=timeout_s).topics[topic]
        if metadata.error is not None:
            raise KafkaException(metadata.error)
        partitions = [TopicPartition(topic, p, 0) for p in sorted(metadata.partitions)]
        # a partition is done when it reached the end as of the start: later updates are not waited for
        end = {}
        for tp in partitions:
            _, high = consumer.get_watermark_offsets(tp, timeout=timeout_s)
            end[tp.partition] = high
        consumer.assign(partitions)
        pending = {p for p, high in end.items() if high > 0}
        latest, bad = {}, 0
        while pending:
            msg = consumer.poll(timeout_s)
            if msg is None:
                raise TimeoutError("no record within %.0f s; still reading %s" % (timeout_s, pending))
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    pending.discard(msg.partition())
                    continue
                raise KafkaException(msg.error())
            if msg.offset() + 1 >= end[msg.partition()]:
                pending.discard(msg.partition())
            key = msg.key().decode("utf-8")
            if msg.value() is None:  # a tombstone: the key was withdrawn
                latest.pop(key, None)
                continue
            try:
                update = decode(msg.value(), reader, writers)
            except (ValueError, EOFError, avro.errors.AvroException) as e:
                bad += 1
                print("skipping %s at %d/%d: %s" % (key, msg.partition(), msg.offset(), e), file=sys.stderr)
                continue
            order = (update["modelVersion"], update["sequence"])
            current = latest.get(key)
            if current is None or order > (current["modelVersion"], current["sequence"]):
                latest[key] = update
        return latest, bad
    finally:
        consumer.close()


def as_arrays(latest, entity, model_version):
    """(ids, float32 vectors [n, dim], float32 bias [n], int64 sequence [n]) of one entity and version."""
    rows = sorted(
        (u for u in latest.values() if u["entity"] == entity and u["modelVersion"] == model_version),
        key=lambda u: u["id"],
    )
    ids = [u["id"] for u in rows]
    vectors = np.array([u["vector"] for u in rows], dtype=np.float32).reshape(len(rows), -1)
    bias = np.array([u["bias"] for u in rows], dtype=np.float32)
    sequence = np.array([u["sequence"] for u in rows], dtype=np.int64)
    return ids, vectors, bias, sequence


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--topic", default="embeddings")
    parser.add_argument("--schemas", default=SCHEMAS, help="directory of EmbeddingUpdate.avsc")
    parser.add_argument("--model-version", type=int, help="default: the highest on the topic")
    parser.add_argument("--npz", help="write ids, vectors, bias and sequence of users and items here")
    parser.add_argument("--jsonl", help="write every decoded latest update here, one JSON object a line")
    parser.add_argument("--user", help="rank the items for this user: user . item + bias, with numpy")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a record")
    args = parser.parse_args()

    latest, bad = latest_embeddings(args.bootstrap_servers, args.topic, args.schemas, args.timeout)
    if not latest:
        print("no embeddings on %s" % args.topic)
        return 1
    version = args.model_version or max(u["modelVersion"] for u in latest.values())
    users = as_arrays(latest, "USER", version)
    items = as_arrays(latest, "ITEM", version)
    print(
        "model version %d: %d users, %d items, dimension %d (%d keys read, %d undecodable)"
        % (version, len(users[0]), len(items[0]), items[1].shape[1] if items[0] else 0, len(latest), bad)
    )
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as f:
            for key in sorted(latest):
                update = dict(latest[key], updatedAt=str(latest[key]["updatedAt"]))
                f.write(json.dumps(dict(update, key=key)) + "\n")
    if args.npz:
        np.savez(
            args.npz,
            model_version=np.int64(version),
            user_ids=np.array(users[0], dtype=str), user_vectors=users[1],
            user_sequence=users[3],
            item_ids=np.array(items[0], dtype=str), item_vectors=items[1],
            item_bias=items[2], item_sequence=items[3],
        )
        print("wrote " + args.npz)
    if args.user:
        if args.user not in users[0]:
            print("no user %s in model version %d" % (args.user, version))
            return 1
        scores = items[1] @ users[1][users[0].index(args.user)] + items[2]
        for rank, i in enumerate(np.argsort(-scores)[: args.k], start=1):
            print("%3d  %-12s %8.4f" % (rank, items[0][i], scores[i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
