package dev.nightjar.models.scoring;

import java.io.Serializable;

/**
 * An immutable block of item vectors packed for {@link TopKKernel}: items are grouped into panels
 * of {@link TopKKernel#PANEL} items, and each panel is stored dimension-major ({@code d} rows of
 * {@code PANEL} floats), so that the kernel streams it with contiguous vector loads. The last panel
 * is padded with zero vectors, which the kernel never reports.
 *
 * <p>Safe to share between threads (it is never modified after {@link #pack}); serializable so a
 * Spark broadcast can carry it.
 *
 * <pre>{@code
 * float[] vectors = {1f, 0f,  0f, 1f,  0.5f, 0.5f}; // 3 items, d = 2, row-major
 * ItemBlock block = ItemBlock.pack(vectors, new int[] {10, 11, 12}, 2);
 * }</pre>
 */
public final class ItemBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  final float[] packed;
  final int[] ids;
  final int dim;

  private ItemBlock(float[] packed, int[] ids, int dim) {
    this.packed = packed;
    this.ids = ids;
    this.dim = dim;
  }

  /**
   * Packs {@code ids.length} item vectors given row-major ({@code vectors[i * d + j]} is feature
   * {@code j} of item {@code ids[i]}). Both arrays are copied.
   */
  public static ItemBlock pack(float[] vectors, int[] ids, int d) {
    if (d < 1) {
      throw new IllegalArgumentException("d must be at least 1, got " + d);
    }
    int m = ids.length;
    if (vectors.length != (long) m * d) {
      throw new IllegalArgumentException(
          "vectors holds " + vectors.length + " floats, expected ids.length × d = " + m + " × " + d);
    }
    int panel = TopKKernel.PANEL;
    int panels = (m + panel - 1) / panel;
    float[] packed = new float[Math.multiplyExact(panels * panel, d)];
    for (int i = 0; i < m; i++) {
      int base = (i / panel) * d * panel + i % panel;
      for (int j = 0; j < d; j++) {
        packed[base + j * panel] = vectors[i * d + j];
      }
    }
    return new ItemBlock(packed, ids.clone(), d);
  }

  /** Number of items. */
  public int size() {
    return ids.length;
  }

  /** Vector length {@code d}. */
  public int dim() {
    return dim;
  }

  /** Approximate heap footprint in bytes (packed vectors and ids). */
  public long bytes() {
    return 4L * packed.length + 4L * ids.length;
  }
}
