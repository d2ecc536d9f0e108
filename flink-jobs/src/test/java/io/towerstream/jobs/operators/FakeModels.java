package io.towerstream.jobs.operators;

/** Access to the fake model for tests in other packages. */
public final class FakeModels {
  private FakeModels() {}

  public static ModelFactory factory() {
    return new FakeModel.Factory();
  }
}
