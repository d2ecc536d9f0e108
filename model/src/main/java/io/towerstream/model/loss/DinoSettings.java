package io.towerstream.model.loss;

import static io.towerstream.model.settings.SettingChecks.require;

import java.io.Serializable;

/**
 * The self-distillation loss ({@code model.loss dino}): prototypes, the teacher's sharpening and
 * its momentum. Checks its own values, naming the job's option for each.
 *
 * @param prototypes the number of prototypes both heads score against
 * @param teacherTemperature the teacher's softmax temperature, in (0, 1]
 * @param momentum the teacher's momentum, in [0, 1)
 */
public record DinoSettings(int prototypes, double teacherTemperature, double momentum)
    implements Serializable {
  public DinoSettings {
    require(
        prototypes >= 2 && prototypes <= 65_536,
        "model.loss.dino.prototypes",
        prototypes,
        "between 2 and 65536");
    require(
        teacherTemperature > 0 && teacherTemperature <= 1,
        "model.loss.dino.teacher-temperature",
        teacherTemperature,
        "in (0, 1]");
    require(momentum >= 0 && momentum < 1, "model.loss.dino.momentum", momentum, "in [0, 1)");
  }
}
