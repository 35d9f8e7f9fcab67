package dev.nightjar.jobs.config;

import dev.nightjar.models.text.EmbeddingParams;
import dev.nightjar.transforms.ItemText;

/**
 * Settings of the {@code embed-items} stage; keys in {@link ConfigKeys.Embedding}.
 *
 * <pre>{@code
 * EmbeddingSettings e = NightjarConfig.defaults().embedding();
 * e.encoder().batchSize(); // 64
 * }</pre>
 *
 * @param encoder batch size, max tokens and device of the text encoder
 * @param template item text template over {title}, {category}, {brand}, {description}
 */
public record EmbeddingSettings(EmbeddingParams encoder, String template) {
  public EmbeddingSettings {
    ItemText.validate(template);
  }
}
