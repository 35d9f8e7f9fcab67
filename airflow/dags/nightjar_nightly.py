"""Nightjar's nightly run: one spark-submit of the Nightjar jobs jar per stage, in order.

Each task runs ``dev.nightjar.jobs.Nightjar <stage> --date {{ ds }} --lakehouse <path> --conf <file>``.
To add a stage, add its name to ``STAGES`` at its place in the order; nothing else changes.
Check this file offline with ``python3 airflow/check_dag.py`` (see airflow/README.md).
"""

from datetime import datetime, timedelta, timezone

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# Nightjar CLI subcommands, in run order; one task each, each task downstream of the previous one.
# `tune` re-tunes weekly: it runs every night but tunes only when the last tuning is nightjar.tune.everyDays (7)
# days old, and skips otherwise; `train` and `recommend` then use the latest chosen parameters (model_params).
STAGES = ["ingest", "embed-items", "interactions", "profiles", "tune", "train", "recommend", "evaluate", "publish"]

SPARK_CONN_ID = "spark_default"
MAIN_CLASS = "dev.nightjar.jobs.Nightjar"

# Airflow Variables, read when a task renders (not when the file is parsed), with their defaults.
APPLICATION_JAR = "{{ var.value.get('nightjar_jar', '/opt/nightjar/nightjar-jobs-app.jar') }}"
LAKEHOUSE = "{{ var.value.get('nightjar_lakehouse', '/data/nightjar/lakehouse') }}"
JOB_CONF = "{{ var.value.get('nightjar_conf', '/opt/nightjar/conf/cluster.properties') }}"

# The JVM flags Spark needs on Java 17 (see DESIGN.md); the last one lets BLAS use the Vector API.
_OPENED_PACKAGES = [
    "java.lang",
    "java.lang.invoke",
    "java.lang.reflect",
    "java.io",
    "java.net",
    "java.nio",
    "java.util",
    "java.util.concurrent",
    "java.util.concurrent.atomic",
    "jdk.internal.ref",
    "sun.nio.ch",
    "sun.nio.cs",
    "sun.security.action",
    "sun.util.calendar",
]
JVM_FLAGS = " ".join(
    [f"--add-opens=java.base/{package}=ALL-UNNAMED" for package in _OPENED_PACKAGES]
    + [
        "-Djdk.reflect.useDirectMethodHandle=false",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "--add-modules=jdk.incubator.vector",
    ]
)

SPARK_CONF = {
    "spark.driver.extraJavaOptions": JVM_FLAGS,
    "spark.executor.extraJavaOptions": JVM_FLAGS,
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
}

DOC_MD = """
### Nightjar nightly

Runs the Nightjar recommender for one day: `ingest` → `embed-items` → `interactions` → `profiles` → `tune` → `train`
→ `recommend` → `evaluate` → `publish`. `publish` serves D's lists only when the gate passes (metrics against the last published
night, see `nightjar.publish.*`); when it fails, the task fails and yesterday's lists stay served.
Every task is one `spark-submit --class dev.nightjar.jobs.Nightjar <jar> <stage> --date <ds>
--lakehouse <path> --conf <file>`; Airflow passes nothing else, all other settings live in the conf file.
(Airflow renders `doc_md` as a template, so this text spells no template expressions.)

* **Date**: the run with logical date D (`ds`) starts after D's data interval ends (D+1, 02:00 UTC) and
  processes day D. Every stage writes only D's partition, so clearing a task or backfilling D is safe.
* **Variables** (Admin → Variables): `nightjar_jar` (application jar), `nightjar_lakehouse` (Delta
  lakehouse root), `nightjar_conf` (job config file); each has a default, see the DAG file.
* **Connection**: `spark_default` says where to submit (YARN, Kubernetes, standalone).
* **Pseudonym key**: `ingest` keys users by an HMAC pseudonym; the key is a secret file on the driver named by
  `nightjar.privacy.pseudonymKeyFile` in the conf file (e.g. a Kubernetes secret mounted read-only). Without it
  the run fails at `ingest` with a message saying so.
* **Weekly re-tune**: `tune` runs every night but tunes only when the last tuning is `nightjar.tune.everyDays` (7) days
  old or more (status `skipped` otherwise, naming the next due date); it writes `model_params`, and `train` and
  `recommend` use the latest chosen parameters from then on (`nightjar.tune.use=latest`). A tuning takes minutes to
  an hour (`nightjar.tune.budgetSeconds`), so the night it runs is longer.
* Failed tasks retry twice, 10 minutes apart; one run at a time; no catch-up of missed nights
  (backfill explicitly with `airflow dags backfill`).
"""

default_args = {
    "owner": "nightjar",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
}

# Airflow 2.x style on purpose: airflow.sdk.DAG (AIR311's suggestion) exists only from Airflow 3.0.
with DAG(  # noqa: AIR311
    dag_id="nightjar_nightly",
    description="Nightly Nightjar recommendations: ingest, interactions, train, recommend, evaluate, gated publish",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["nightjar", "spark", "recommender"],
    doc_md=DOC_MD,
) as dag:
    tasks = [
        SparkSubmitOperator(
            task_id=stage,
            conn_id=SPARK_CONN_ID,
            application=APPLICATION_JAR,
            java_class=MAIN_CLASS,
            name=f"nightjar-{stage}",
            conf=SPARK_CONF,
            application_args=[stage, "--date", "{{ ds }}", "--lakehouse", LAKEHOUSE, "--conf", JOB_CONF],
        )
        for stage in STAGES
    ]
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
