package dev.nightjar.models.text;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether the text encoder runs on a GPU or on the CPU, from the configured setting and the
 * number of GPUs the inference engine can use.
 *
 * <pre>{@code
 * Device device = DeviceSelection.choose("auto", 0);                       // cpu()
 * Device onEngine = DeviceSelection.forEngine("auto", Engine.getEngine("OnnxRuntime"));
 * }</pre>
 *
 * <p>{@code auto} takes the first GPU when the engine sees one and the CPU otherwise; {@code cpu} always
 * takes the CPU; {@code gpu} takes the first GPU and fails when the engine sees none (with the CPU-only
 * ONNX Runtime jar the engine sees none even on a GPU machine).
 */
public final class DeviceSelection {
  /** The configuration key that holds the setting. */
  public static final String CONFIG_KEY = "nightjar.embedding.device";

  public static final String AUTO = "auto";
  public static final String CPU = "cpu";
  public static final String GPU = "gpu";
  public static final List<String> ALLOWED = List.of(AUTO, CPU, GPU);

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelection.class);

  private DeviceSelection() {}

  /**
   * The device for {@code setting} when the engine sees {@code gpuCount} GPUs.
   *
   * @throws IllegalArgumentException for a setting outside {@link #ALLOWED}, or {@code gpu} with no GPU
   */
  public static Device choose(String setting, int gpuCount) {
    return switch (normalise(setting)) {
      case CPU -> Device.cpu();
      case AUTO -> gpuCount > 0 ? Device.gpu() : Device.cpu();
      default -> {
        if (gpuCount <= 0) {
          throw new IllegalArgumentException(
              CONFIG_KEY + "=" + GPU + " but the inference engine sees no GPU (CUDA and ONNX Runtime's"
                  + " GPU build are needed); set " + CONFIG_KEY + " to one of " + ALLOWED
                  + " (auto falls back to the CPU)");
        }
        yield Device.gpu();
      }
    };
  }

  /** {@link #choose} with the GPU count {@code engine} reports; logs the choice. */
  public static Device forEngine(String setting, Engine engine) {
    int gpuCount = engine.getGpuCount();
    Device device = choose(setting, gpuCount);
    LOG.info("{}={}: engine {} sees {} GPU(s), text encoder runs on {}",
        CONFIG_KEY, setting, engine.getEngineName(), gpuCount, device);
    return device;
  }

  /**
   * The setting in lower case.
   *
   * @throws IllegalArgumentException when it is not one of {@link #ALLOWED}
   */
  public static String normalise(String setting) {
    String value = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
    if (!ALLOWED.contains(value)) {
      throw new IllegalArgumentException(
          CONFIG_KEY + " is '" + setting + "'; allowed values are " + ALLOWED);
    }
    return value;
  }
}
