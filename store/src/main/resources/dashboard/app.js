// The store's dashboard: polls /v1/status into time series and charts them with uPlot; the query box asks
// /v1/users/{id}/candidates and /v1/embeddings/user/{id} (the user's recent items). No framework, no build
// step: the page and the library ship in the store's jar.
"use strict";

const POLL_MS = 2000;
const KEEP = 900; // samples kept per series: 30 minutes at one every 2 s
const series = { t: [], loss: [], rate: [], hr: [[], [], [], []], fresh: [], users: [], items: [],
  collapse: [[], [], []] };
const COLLAPSE = ["alignment", "uniformity", "meanCosine"];
const SCORERS = ["towerstream", "towerstreamNoPrior", "popularity", "recentPopularity"];
const charts = {};
let last = null;

const tokenInput = document.getElementById("token");
tokenInput.value = localStorage.getItem("towerstream.token") || "";
tokenInput.addEventListener("change", () => localStorage.setItem("towerstream.token", tokenInput.value));

function api(path) {
  const headers = tokenInput.value ? { Authorization: "Bearer " + tokenInput.value } : {};
  return fetch(path, { headers }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
    return body;
  });
}

function chart(id, labels, colors) {
  const el = document.getElementById(id);
  const opts = {
    width: Math.max(360, el.clientWidth - 16), height: 200,
    scales: { x: { time: true } },
    series: [{}].concat(labels.map((label, i) => ({ label, stroke: colors[i], width: 2, spanGaps: true }))),
    legend: { live: false },
  };
  charts[id] = new uPlot(opts, [[]].concat(labels.map(() => [])), el);
  el.dataset.points = "0";
}

function push(arr, v) {
  arr.push(v);
  if (arr.length > KEEP) arr.shift();
}

// one point per series; `at` is the store's clock (ms), so rates come from the store's timeline, not the page's
function add(at, events, loss, hr, ageMs, users, items, collapse) {
  const t = at / 1000;
  if (last && t <= last.t) return; // a sample the history already gave
  push(series.t, t);
  push(series.loss, Number.isFinite(loss) ? loss : null);
  push(series.rate, last ? Math.max(0, (events - last.events) / (t - last.t)) : null);
  SCORERS.forEach((name, i) => push(series.hr[i], hr && hr[name] != null ? hr[name] : null));
  push(series.fresh, ageMs >= 0 ? ageMs / 1000 : null);
  push(series.users, users);
  push(series.items, items);
  COLLAPSE.forEach((name, i) => push(series.collapse[i], collapse && collapse[name] != null ? collapse[name] : null));
  if (collapse && collapse.effectiveRank != null) {
    document.getElementById("effective-rank").textContent = collapse.effectiveRank.toFixed(1);
  }
  last = { t, events };
}

function history(h) {
  for (const s of h.samples) {
    add(s.at, s.eventsTrained, s.loss, s.hitRate10, s.newestUpdateAgeMs, s.usersEmbedded, s.itemsEmbedded,
      s.collapse);
  }
  render();
}

function summary(s) {
  document.getElementById("summary").textContent =
    `model v${s.modelVersion} · ${s.eventsTrained.toLocaleString()} events trained · ` +
    `${s.usersEmbedded.toLocaleString()} users, ${s.itemsEmbedded.toLocaleString()} items · ` +
    (s.kafkaReachable ? "Kafka reachable" : `Kafka unreachable for ${Math.round(s.kafkaUnreachableMs / 1000)} s`);
}

function render() {
  const t = series.t;
  const data = {
    "chart-loss": [t, series.loss],
    "chart-hr": [t].concat(series.hr),
    "chart-rate": [t, series.rate],
    "chart-fresh": [t, series.fresh],
    "chart-sizes": [t, series.users, series.items],
    "chart-collapse": [t].concat(series.collapse),
  };
  for (const [id, d] of Object.entries(data)) {
    charts[id].setData(d);
    document.getElementById(id).dataset.points = String(t.length);
  }
}

// the store samples its status every 2 s (/v1/status/history): the charts show its samples, whenever the page
// was opened; /v1/status gives the summary line
function poll() {
  const since = last ? Math.round(last.t * 1000) : 0;
  Promise.all([api("/v1/status/history?since=" + since).then(history), api("/v1/status").then(summary)])
    .catch((e) => { document.getElementById("summary").textContent = "status: " + e.message; })
    .finally(() => setTimeout(poll, POLL_MS));
}

function item(li, text, note, cls) {
  li.className = cls;
  li.textContent = text;
  if (note) {
    const span = document.createElement("span");
    span.className = cls === "candidate" ? "score" : "when";
    span.textContent = " " + note;
    li.appendChild(span);
  }
  return li;
}

function labelled(entry) {
  return entry.title ? `${entry.title} (${entry.itemId})` : entry.itemId;
}

// The candidates, and beside them the items the user tower pooled into the user's vector (published with it).
function query(user, k) {
  const error = document.getElementById("query-error");
  const candidates = document.getElementById("candidates");
  const recent = document.getElementById("recent");
  error.textContent = "";
  candidates.replaceChildren();
  recent.replaceChildren();
  const q = encodeURIComponent(user);
  api(`/v1/users/${q}/candidates?k=${k}`).then((r) => {
    for (const c of r.candidates) {
      candidates.appendChild(item(document.createElement("li"), labelled(c), c.score.toFixed(3), "candidate"));
    }
    return api(`/v1/embeddings/user/${q}`);
  }).then((u) => {
    for (const h of u.recentItems || []) {
      recent.appendChild(item(document.createElement("li"), labelled(h), "", "recent"));
    }
    if (!(u.recentItems || []).length) {
      recent.appendChild(item(document.createElement("li"), "(none published: an id-only user tower)", "",
        "recent"));
    }
  }).catch((e) => { error.textContent = e.message; });
}

document.getElementById("query").addEventListener("submit", (ev) => {
  ev.preventDefault();
  query(document.getElementById("user").value.trim(), document.getElementById("k").value || 10);
});

chart("chart-loss", ["loss"], ["#1f77b4"]);
chart("chart-hr", ["towerstream (served)", "towers alone", "popularity", "recent popularity"],
  ["#d62728", "#ff7f0e", "#2ca02c", "#9467bd"]);
chart("chart-rate", ["events/s"], ["#1f77b4"]);
chart("chart-fresh", ["newest update age"], ["#8c564b"]);
chart("chart-sizes", ["users", "items"], ["#1f77b4", "#2ca02c"]);
chart("chart-collapse", ["alignment", "uniformity", "mean cosine"], ["#1f77b4", "#2ca02c", "#d62728"]);
poll();
const params = new URLSearchParams(location.search);
if (params.get("user")) {
  document.getElementById("user").value = params.get("user");
  query(params.get("user"), params.get("k") || 10);
}
