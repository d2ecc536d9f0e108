package io.towerstream.schemas;

/**
 * Avro 1.12 refuses to instantiate generated classes outside the packages named in the system
 * property {@value #PROPERTY}; inside Flink the job then restarts forever instead of failing. Every
 * entry point that decodes records calls {@link #ensure()} before first use.
 */
public final class AvroTrust {
  public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
  public static final String GENERATED_PACKAGE = "io.towerstream.schemas.avro";

  private AvroTrust() {}

  /** Adds the generated package to the trusted list, keeping whatever was already there. */
  public static synchronized void ensure() {
    String current = System.getProperty(PROPERTY);
    if (current == null || current.isBlank()) {
      System.setProperty(PROPERTY, GENERATED_PACKAGE);
    } else if (!(',' + current + ',').contains(',' + GENERATED_PACKAGE + ',')) {
      System.setProperty(PROPERTY, current + ',' + GENERATED_PACKAGE);
    }
  }
}
