package io.towerstream.store.query;

import io.towerstream.store.index.ScoredItem;
import java.util.List;

/**
 * Retrieval result for a user: the model version of the returned items (the user's own unless the
 * caller asked for another) and the items, best first.
 */
public record UserCandidates(String userId, long modelVersion, List<ScoredItem> candidates) {}
