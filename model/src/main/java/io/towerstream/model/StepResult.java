package io.towerstream.model;

/**
 * What one training step did.
 *
 * @param loss mean loss over the batch, NaN when the step was skipped
 * @param skipped true when the batch was dropped because its loss or gradients were not finite
 */
public record StepResult(int batchSize, double loss, boolean skipped) {}
