package io.towerstream.model;

import static io.towerstream.model.settings.SettingChecks.require;

import io.towerstream.model.ModelConfig.Loss;
import java.io.Serializable;

/**
 * The training loss and its temperature. Checks its own values and the ones that depend on the
 * loss, naming the job's option for each. In the model's root package because the {@link Loss}
 * names are part of {@link ModelConfig}'s public face.
 *
 * @param loss which loss trains the towers
 * @param temperature the softmax temperature τ (the starting one when learned)
 * @param learnedTemperature whether τ is learned, within [{@link
 *     ModelConfig#MIN_LEARNED_TEMPERATURE}, {@link ModelConfig#MAX_LEARNED_TEMPERATURE}]
 * @param hardNegativeBeta the hard-negative reweighting's β (InfoNCE only); 0 is plain InfoNCE
 * @param positivePrior the debiasing prior of false negatives (InfoNCE only); 0 is plain InfoNCE
 * @param tripletMargin the triplet loss's margin, a squared distance between unit vectors
 */
public record LossSettings(
    Loss loss,
    float temperature,
    boolean learnedTemperature,
    double hardNegativeBeta,
    double positivePrior,
    double tripletMargin)
    implements Serializable {
  public LossSettings {
    require(loss != null, "model.loss", loss, "one of infonce, symmetric-infonce, siglip");
    require(temperature > 0 && temperature <= 10, "model.temperature", temperature, "in (0, 10]");
    require(
        hardNegativeBeta >= 0 && hardNegativeBeta <= 100,
        "model.loss.hard-negative-beta",
        hardNegativeBeta,
        "in [0, 100] (0 = plain InfoNCE)");
    require(
        positivePrior >= 0 && positivePrior < 1,
        "model.loss.positive-prior",
        positivePrior,
        "in [0, 1) (0 = plain InfoNCE)");
    require(
        (loss == Loss.INFONCE || loss == Loss.SYMMETRIC_INFONCE)
            || (hardNegativeBeta == 0 && positivePrior == 0),
        "model.loss",
        loss,
        "infonce or symmetric-infonce when hard-negative-beta or positive-prior is set");
    require(
        tripletMargin > 0 && tripletMargin <= 4,
        "model.loss.margin",
        tripletMargin,
        "in (0, 4] (squared distance between unit vectors)");
    require(
        !learnedTemperature || loss.learnsTemperature(),
        "model.temperature.learned",
        learnedTemperature,
        "false with the triplet, alignment, barlow-twins, simsiam and dino losses, which learn"
            + " no temperature");
    require(
        !learnedTemperature
            || (temperature >= ModelConfig.MIN_LEARNED_TEMPERATURE
                && temperature <= ModelConfig.MAX_LEARNED_TEMPERATURE),
        "model.temperature",
        temperature,
        "in ["
            + ModelConfig.MIN_LEARNED_TEMPERATURE
            + ", "
            + ModelConfig.MAX_LEARNED_TEMPERATURE
            + "] when it is learned");
  }
}
