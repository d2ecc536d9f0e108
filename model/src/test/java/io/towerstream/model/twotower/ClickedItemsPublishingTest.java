package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Publishing clicked items at once and items moved only as negatives or history items later. */
class ClickedItemsPublishingTest {
  @Test
  void aClickedOnlyDrainDefersTheItemsNobodyClickedToTheNextFullOne() {
    OnlineModel model =
        TwoTowerModels.create(
            ModelConfig.builder()
                .dim(8)
                .batchSize(32)
                .reservoirNegatives(16)
                .reservoirCapacity(100)
                .seed(2)
                .build());
    List<List<Interaction>> batches = TestStreams.batches(30, 80, 32, 6, 4);
    for (List<Interaction> b : batches.subList(0, 5)) {
      model.train(b);
    }
    model.drainChanged((kind, id, v, bias) -> {});
    List<Interaction> last = batches.get(5);
    model.train(last); // its negatives and the users' history items move too
    Set<String> clicked = last.stream().map(Interaction::itemId).collect(Collectors.toSet());

    Set<String> first = new TreeSet<>();
    Set<String> users = new TreeSet<>();
    model.drainChanged(
        (kind, id, v, bias) -> (kind == EntityKind.ITEM ? first : users).add(id), id -> true, true);
    assertThat(first).containsExactlyInAnyOrderElementsOf(clicked);
    assertThat(users)
        .containsExactlyInAnyOrderElementsOf(
            last.stream().map(Interaction::userId).collect(Collectors.toSet()));

    Set<String> later = new TreeSet<>();
    model.drainChanged((kind, id, v, bias) -> later.add(id), id -> true, true);
    assertThat(later).as("nothing clicked since: the rest waits").isEmpty();

    Set<String> full = new TreeSet<>();
    model.drainChanged((kind, id, v, bias) -> full.add(id), id -> true, false);
    assertThat(full)
        .as("the negatives and history items, deferred until now")
        .isNotEmpty()
        .doesNotContainAnyElementsOf(clicked);
    Set<String> after = new TreeSet<>();
    model.drainChanged((kind, id, v, bias) -> after.add(id), id -> true, false);
    assertThat(after).isEmpty();
  }
}
