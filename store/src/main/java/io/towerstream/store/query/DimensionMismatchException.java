package io.towerstream.store.query;

/** A query vector's dimension differs from the item vectors'. */
public class DimensionMismatchException extends RuntimeException {
  public DimensionMismatchException(String what, int dimension, int itemDimension) {
    super(what + " has dimension " + dimension + ", item vectors have " + itemDimension);
  }
}
