package dev.nightjar.models.candidates;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the candidate pool reads, as Datasets the caller has read (and pinned to a version): night D's
 * partitions of the per-night tables, the whole of the others.
 *
 * <pre>{@code
 * CandidateInputs in = new CandidateInputs(userFactors, itemFactors, interactions, items, events, embeddings,
 *     profiles, interests, userIndex, itemIndex, "als-r8@2026-10-31+embed-items");
 * }</pre>
 *
 * @param userFactors ALS user factors: {@code user_id, idx INT, features ARRAY<FLOAT>}
 * @param itemFactors ALS item factors: {@code item_id, idx INT, features ARRAY<FLOAT>}
 * @param interactions night D's {@code user_id, item_id, weight, purchases, last_event_time}
 * @param items the catalogue: {@code item_id, title, category, available}
 * @param events clean events (for purchases and trending)
 * @param embeddings item text embeddings: {@code item_id, vector ARRAY<FLOAT>}
 * @param profiles night D's user content profiles: {@code user_id, vector ARRAY<FLOAT>}
 * @param interests night D's interest posteriors: {@code user_id, category, alpha, beta}
 * @param userIndex user id ↔ index: {@code id, idx}
 * @param itemIndex item id ↔ index: {@code id, idx}
 * @param modelVersion the model version the lists name
 */
public record CandidateInputs(
    Dataset<Row> userFactors, Dataset<Row> itemFactors, Dataset<Row> interactions, Dataset<Row> items, Dataset<Row> events,
    Dataset<Row> embeddings, Dataset<Row> profiles, Dataset<Row> interests, Dataset<Row> userIndex, Dataset<Row> itemIndex,
    String modelVersion) {}
