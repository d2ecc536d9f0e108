package io.towerstream.model.twotower;

import io.towerstream.model.LossSettings;
import io.towerstream.model.loss.AlignmentLoss;
import io.towerstream.model.loss.BarlowTwinsLoss;
import io.towerstream.model.loss.ContrastiveLoss;
import io.towerstream.model.loss.InfoNceLoss;
import io.towerstream.model.loss.InfoNceOptions;
import io.towerstream.model.loss.SigmoidPairwiseLoss;
import io.towerstream.model.loss.SymmetricInfoNceLoss;
import io.towerstream.model.loss.TripletLoss;

/**
 * The configured loss for one step; SigLIP's carries the step's learned bias, SimSiam's and DINO's
 * their head's current weights, so it is built per step.
 */
final class LossSelection {
  private LossSelection() {}

  /**
   * @param head the loss's own head, for the losses that have one (else null)
   */
  static ContrastiveLoss of(LossSettings c, LearnedScalars scalars, LossHead head) {
    InfoNceOptions options = new InfoNceOptions(c.hardNegativeBeta(), c.positivePrior());
    return switch (c.loss()) {
      case INFONCE -> new InfoNceLoss(options);
      case SYMMETRIC_INFONCE -> new SymmetricInfoNceLoss(options);
      case SIGLIP -> new SigmoidPairwiseLoss(scalars.sigmoidBias());
      case ALIGNMENT -> new AlignmentLoss();
      case TRIPLET -> new TripletLoss(c.tripletMargin());
      case BARLOW_TWINS -> new BarlowTwinsLoss();
      case SIMSIAM, DINO -> head.loss();
    };
  }
}
