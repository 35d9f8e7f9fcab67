package dev.nightjar.jobs.stages;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark job group for the duration of a block, so the Spark UI says which stage or sub-step runs: set on
 * {@link #open}, and the group that was set before (or none) restored on {@link #close}, so a sub-step inside a
 * stage hands the stage's group back when it ends.
 *
 * <pre>{@code
 * try (JobGroup stage = JobGroup.open(spark, "evaluate", "nightjar evaluate 2026-10-31")) {
 *   try (JobGroup step = JobGroup.open(spark, "evaluate/score", "score variant blend")) {
 *     // jobs here show group evaluate/score
 *   }
 *   // and here evaluate again
 * }
 * }</pre>
 */
public final class JobGroup implements AutoCloseable {
  static final String GROUP_ID = "spark.jobGroup.id";
  static final String DESCRIPTION = "spark.job.description";
  static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

  private final SparkContext sc;
  private final String previousId;
  private final String previousDescription;
  private final boolean previousInterrupt;

  private JobGroup(SparkContext sc) {
    this.sc = sc;
    this.previousId = sc.getLocalProperty(GROUP_ID);
    this.previousDescription = sc.getLocalProperty(DESCRIPTION);
    this.previousInterrupt = Boolean.parseBoolean(sc.getLocalProperty(INTERRUPT_ON_CANCEL));
  }

  /** Sets job group {@code id} with {@code description} on this thread until {@link #close}. */
  public static JobGroup open(SparkSession spark, String id, String description) {
    JobGroup group = new JobGroup(spark.sparkContext());
    group.sc.setJobGroup(id, description, false);
    return group;
  }

  /** Restores the group (and description) set before {@link #open}, or clears it when there was none. */
  @Override
  public void close() {
    if (previousId == null) {
      sc.clearJobGroup();
      if (previousDescription != null) {
        sc.setJobDescription(previousDescription);
      }
    } else {
      sc.setJobGroup(previousId, previousDescription, previousInterrupt);
    }
  }
}
