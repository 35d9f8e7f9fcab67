"""Offline checks for the Nightjar DAG, for machines without Airflow (CI, laptops).

    python3 airflow/check_dag.py [--dag FILE] [--var KEY=VALUE ...]
    python3 airflow/check_dag.py --render 2026-03-05 --out tasks.json [--var KEY=VALUE ...]

The DAG file is executed with small stand-ins for ``airflow.DAG`` and ``SparkSubmitOperator`` put in
``sys.modules``; they only record their arguments and the ``>>``/``<<`` dependencies. The checker then
checks the DAG settings, the task chain and each task's spark-submit arguments, and renders every
templated field with jinja2 the way Airflow would (StrictUndefined, sandboxed, Airflow's context).
``--render`` also writes the rendered tasks as JSON for the Java-side tests. Variables not given with
``--var`` are unset, as on a fresh Airflow install, so ``var.value.get(key, default)`` gives the default.
"""

import argparse
import json
import re
import runpy
import sys
import types
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

DEFAULT_DAG_FILE = Path(__file__).resolve().parent / "dags" / "nightjar_nightly.py"
SAMPLE_DS = "2026-01-15"
MAIN_CLASS = "dev.nightjar.jobs.Nightjar"
# Stages every nightly run must have, in this relative order (more may sit before, between or after).
# Must equal the jobs registry dev.nightjar.jobs.stages.Stages.DAG (StagesTest compares them).
CORE_STAGES = ("ingest", "embed-items", "interactions", "profiles", "tune", "train", "recommend", "evaluate", "publish")
# The only options Airflow passes after the stage name: the logical date, the lakehouse, the config file.
CLI_OPTIONS = ("--date", "--lakehouse", "--conf")

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
# DESIGN.md's JVM flags for Spark on Java 17; each must be in the driver's and executors' extraJavaOptions.
JVM_FLAGS = [f"--add-opens=java.base/{package}=ALL-UNNAMED" for package in _OPENED_PACKAGES] + [
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-modules=jdk.incubator.vector",
]
REQUIRED_SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
}

# SparkSubmitOperator's templated fields (apache-airflow-providers-apache-spark); others reach spark-submit as is.
TEMPLATE_FIELDS = (
    "application",
    "conf",
    "files",
    "py_files",
    "jars",
    "driver_class_path",
    "packages",
    "exclude_packages",
    "keytab",
    "principal",
    "proxy_user",
    "name",
    "application_args",
    "env_vars",
    "properties_file",
)
# Arguments the stand-ins accept: SparkSubmitOperator's own, then common BaseOperator ones.
OPERATOR_ARGS = set(TEMPLATE_FIELDS) | {
    "conn_id", "archives", "java_class", "repositories", "total_executor_cores", "executor_cores",
    "executor_memory", "driver_memory", "num_executors", "status_poll_interval", "verbose",
    "spark_binary", "yarn_queue", "deploy_mode", "use_krb5ccache",
    "owner", "email", "email_on_failure", "email_on_retry", "retries", "retry_delay",
    "retry_exponential_backoff", "max_retry_delay", "execution_timeout", "depends_on_past",
    "wait_for_downstream", "trigger_rule", "pool", "pool_slots", "queue", "priority_weight",
    "weight_rule", "sla", "on_failure_callback", "on_success_callback", "on_retry_callback",
    "on_execute_callback", "max_active_tis_per_dag", "executor_config", "do_xcom_push", "doc_md",
    "params",
}  # fmt: skip
# DAG arguments the checker models; ones that change rendering (user_defined_macros, template_undefined,
# render_template_as_native_obj, ...) are left out on purpose, so using them fails the check.
DAG_ARGS = {
    "description", "schedule", "start_date", "end_date", "default_args", "catchup", "max_active_runs",
    "max_active_tasks", "dagrun_timeout", "tags", "doc_md", "params", "on_failure_callback",
    "on_success_callback", "is_paused_upon_creation", "owner_links",
}  # fmt: skip


def is_iso_date(text):
    """True for a real calendar date written YYYY-MM-DD (the only form Nightjar's --date accepts)."""
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


_open_dags = []  # the DAGs whose `with` block is running, innermost last


class RecordedDag:
    """Stand-in for ``airflow.DAG``: records its arguments and the tasks created inside its ``with``."""

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _open_dags.append(self)
        return self

    def __exit__(self, *exc_info):
        _open_dags.pop()


class RecordedSparkSubmit:
    """Stand-in for ``SparkSubmitOperator``: records its arguments and its upstream tasks."""

    def __init__(self, *, task_id, dag=None, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.upstream = []
        self.dag = dag or (_open_dags[-1] if _open_dags else None)
        if self.dag is None:
            raise RuntimeError(
                f"task {task_id!r} is created outside a `with DAG(...)` block and without dag="
            )
        self.dag.tasks.append(self)

    def add_upstream(self, task):
        if task not in self.upstream:  # Airflow keeps dependencies in sets
            self.upstream.append(task)

    def __rshift__(self, other):
        for task in other if isinstance(other, list) else [other]:
            task.add_upstream(self)
        return other

    def __lshift__(self, other):
        for task in other if isinstance(other, list) else [other]:
            self.add_upstream(task)
        return other

    def __rrshift__(self, others):
        self << others
        return self

    def __rlshift__(self, others):
        self >> others
        return self


def load_dag(path):
    """Execute the DAG file with the stand-ins; return (the module-level DAG or None, problems)."""
    spark_submit = types.ModuleType("airflow.providers.apache.spark.operators.spark_submit")
    spark_submit.SparkSubmitOperator = RecordedSparkSubmit
    stubs = {"airflow": types.ModuleType("airflow")}
    stubs["airflow"].DAG = RecordedDag
    for name in (
        "providers",
        "providers.apache",
        "providers.apache.spark",
        "providers.apache.spark.operators",
    ):
        stubs[f"airflow.{name}"] = types.ModuleType(f"airflow.{name}")
    stubs[spark_submit.__name__] = spark_submit

    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)
    try:
        module_globals = runpy.run_path(str(path), run_name="nightjar_dag_under_check")
    except Exception as error:  # noqa: BLE001 -- any error here is an import error in Airflow too
        return None, [f"{path}: the DAG file does not load: {type(error).__name__}: {error}"]
    finally:
        _open_dags.clear()
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module

    dags = [value for value in module_globals.values() if isinstance(value, RecordedDag)]
    if len(dags) != 1:
        return None, [f"{path}: expected exactly one module-level DAG, found {len(dags)}"]
    return dags[0], []


def check_dag_settings(dag):
    problems = [
        f"DAG argument {key!r} is not modelled by check_dag.py" for key in dag.kwargs if key not in DAG_ARGS
    ]
    if dag.kwargs.get("catchup") is not False:
        problems.append(f"catchup must be False, got {dag.kwargs.get('catchup')!r}")
    if dag.kwargs.get("max_active_runs") != 1:
        problems.append(f"max_active_runs must be 1, got {dag.kwargs.get('max_active_runs')!r}")
    retries = (dag.kwargs.get("default_args") or {}).get("retries")
    if not isinstance(retries, int) or retries < 1:
        problems.append(f"default_args must set retries >= 1, got {retries!r}")
    if not isinstance(dag.kwargs.get("start_date"), datetime):
        problems.append(f"start_date must be a fixed datetime, got {dag.kwargs.get('start_date')!r}")
    if not dag.kwargs.get("schedule"):
        problems.append("schedule is not set")
    return problems


def task_chain(dag):
    """Return (task ids in run order, problems); the tasks must form one straight chain."""
    ids = [task.task_id for task in dag.tasks]
    duplicates = sorted({task_id for task_id in ids if ids.count(task_id) > 1})
    if duplicates:
        return [], [f"duplicate task ids: {duplicates}"]
    downstream = {task_id: [] for task_id in ids}
    for task in dag.tasks:
        for upstream in task.upstream:
            downstream[upstream.task_id].append(task.task_id)
    problems = [
        f"task {task.task_id!r} must have at most one upstream task, has {[t.task_id for t in task.upstream]}"
        for task in dag.tasks
        if len(task.upstream) > 1
    ] + [
        f"task {task_id!r} must have at most one downstream task, has {after}"
        for task_id, after in downstream.items()
        if len(after) > 1
    ]
    roots = [task.task_id for task in dag.tasks if not task.upstream]
    if len(roots) != 1:
        problems.append(f"the tasks must form one chain with one first task, found first tasks {roots}")
    if problems:
        return [], problems
    chain = roots
    while downstream[chain[-1]]:
        chain.append(downstream[chain[-1]][0])
    unreached = [task_id for task_id in ids if task_id not in chain]
    if unreached:
        return [], [f"tasks {unreached} are not reachable from the first task {chain[0]!r} (a cycle?)"]
    return chain, []


def check_stage_order(chain):
    problems = [f"missing task {stage!r}" for stage in CORE_STAGES if stage not in chain]
    present = [stage for stage in CORE_STAGES if stage in chain]
    problems += [
        f"task {later!r} must run after {earlier!r}; the chain is {' >> '.join(chain)}"
        for earlier, later in zip(present, present[1:])
        if chain.index(later) < chain.index(earlier)
    ]
    return problems


class VariableAccessor:
    """``var.value`` / ``var.json`` as Airflow provides them: ``get(key, default)`` or ``var.value.key``."""

    _missing = object()

    def __init__(self, variables, as_json):
        self._variables = variables
        self._as_json = as_json

    def get(self, key, default_var=_missing):
        if key in self._variables:
            value = self._variables[key]
            return json.loads(value) if self._as_json else value
        if default_var is VariableAccessor._missing:
            raise KeyError(f"Variable {key} does not exist")
        return default_var

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        return self.get(key)


def template_context(ds, variables, params):
    """The part of Airflow 2's task context a DAG template may use, for logical date ``ds`` (00:00 UTC)."""
    logical_date = datetime.combine(date.fromisoformat(ds), datetime.min.time(), timezone.utc)
    return {
        "ds": ds,
        "ds_nodash": ds.replace("-", ""),
        "ts": logical_date.isoformat(),
        "ts_nodash": logical_date.strftime("%Y%m%dT%H%M%S"),
        "ts_nodash_with_tz": logical_date.isoformat().replace("-", "").replace(":", ""),
        "logical_date": logical_date,
        "data_interval_start": logical_date,
        "data_interval_end": logical_date + timedelta(days=1),
        "run_id": f"scheduled__{logical_date.isoformat()}",
        "params": params,
        "var": types.SimpleNamespace(
            value=VariableAccessor(variables, as_json=False), json=VariableAccessor(variables, as_json=True)
        ),
        "macros": types.SimpleNamespace(
            datetime=datetime,
            timedelta=timedelta,
            ds_add=lambda ds, days: (date.fromisoformat(ds) + timedelta(days=days)).isoformat(),
        ),
    }


def template_environment():
    environment = SandboxedEnvironment(undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.do"])
    environment.filters.update(
        ds=lambda value: value.strftime("%Y-%m-%d"),
        ds_nodash=lambda value: value.strftime("%Y%m%d"),
        ts=lambda value: value.isoformat(),
        ts_nodash=lambda value: value.strftime("%Y%m%dT%H%M%S"),
    )
    return environment


def render(value, environment, context):
    """Render strings inside ``value`` as Airflow's ``render_template`` does (lists, tuples, dict values)."""
    if isinstance(value, str):
        return environment.from_string(value).render(context)
    if isinstance(value, (list, tuple)):
        return type(value)(render(item, environment, context) for item in value)
    if isinstance(value, dict):
        return {key: render(item, environment, context) for key, item in value.items()}
    return value


def render_task(task, dag, ds, variables):
    """Return (the task's arguments with templated fields rendered, problems)."""
    arguments = {**(dag.kwargs.get("default_args") or {}), **task.kwargs}
    params = {**(dag.kwargs.get("params") or {}), **(arguments.get("params") or {})}
    context = template_context(ds, variables, params)
    environment = template_environment()
    problems = []
    for field in TEMPLATE_FIELDS:
        if field in arguments:
            try:
                arguments[field] = render(arguments[field], environment, context)
            except Exception as error:  # noqa: BLE001 -- Airflow fails the task on any rendering error
                problems.append(
                    f"task {task.task_id!r}: {field} does not render: {type(error).__name__}: {error}"
                )
    return arguments, problems


def check_task(task, arguments, ds):
    """Check one task's arguments (templated fields already rendered)."""
    name = f"task {task.task_id!r}"
    problems = [
        f"{name}: unknown SparkSubmitOperator argument {key!r}"
        for key in task.kwargs
        if key not in OPERATOR_ARGS
    ]
    problems += [
        f"{name}: {key} is not a templated field of SparkSubmitOperator, so {value!r} would reach spark-submit as is"
        for key, value in arguments.items()
        if key not in TEMPLATE_FIELDS and isinstance(value, str) and ("{{" in value or "{%" in value)
    ]
    if arguments.get("java_class") != MAIN_CLASS:
        problems.append(f"{name}: java_class must be {MAIN_CLASS!r}, got {arguments.get('java_class')!r}")
    if not str(arguments.get("application", "")).endswith(".jar"):
        problems.append(
            f"{name}: application must render to the jobs jar (*.jar), got {arguments.get('application')!r}"
        )

    conf = arguments.get("conf") or {}
    problems += [
        f"{name}: conf {key} must be {value!r}, got {conf.get(key)!r}"
        for key, value in REQUIRED_SPARK_CONF.items()
        if conf.get(key) != value
    ]
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        missing = [flag for flag in JVM_FLAGS if flag not in str(conf.get(key, "")).split()]
        if missing:
            problems.append(f"{name}: conf {key} lacks the JVM flags {missing}")

    args = arguments.get("application_args")
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        return problems + [f"{name}: application_args must be a list of strings, got {args!r}"]
    if not args or args[0] != task.task_id:
        return problems + [
            f"{name}: application_args must start with the stage name {task.task_id!r}, got {args}"
        ]
    options = dict(zip(args[1::2], args[2::2]))
    if len(args) % 2 == 0 or sorted(args[1::2]) != sorted(CLI_OPTIONS):
        expected = f"the stage, then each of {list(CLI_OPTIONS)} once with its value"
        return problems + [f"{name}: application_args must be {expected}, got {args}"]
    problems += [
        f"{name}: {option} renders to an empty value"
        for option, value in options.items()
        if not value.strip()
    ]
    if not is_iso_date(options["--date"]) or options["--date"] != ds:
        problems.append(
            f"{name}: --date must render to the logical date {ds} (YYYY-MM-DD), got {options['--date']!r}"
        )
    return problems


def check(path=DEFAULT_DAG_FILE, ds=SAMPLE_DS, variables=None):
    """Run every check on the DAG file; return (rendered tasks in run order, problems)."""
    dag, problems = load_dag(path)
    if dag is None:
        return [], problems
    problems += check_dag_settings(dag)
    chain, chain_problems = task_chain(dag)
    problems += chain_problems or check_stage_order(chain)
    tasks = {task.task_id: task for task in dag.tasks}
    rendered = []
    for task in [tasks[task_id] for task_id in chain] or dag.tasks:
        arguments, render_problems = render_task(task, dag, ds, variables or {})
        problems += render_problems or check_task(task, arguments, ds)
        rendered.append(
            {
                "task_id": task.task_id,
                "java_class": arguments.get("java_class"),
                "application": arguments.get("application"),
                "application_args": arguments.get("application_args"),
                "upstream": [upstream.task_id for upstream in task.upstream],
            }
        )
    return rendered, problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dag", type=Path, default=DEFAULT_DAG_FILE, help="DAG file (default: %(default)s)")
    parser.add_argument("--render", metavar="DS", help="logical date YYYY-MM-DD to render the tasks for")
    parser.add_argument("--out", type=Path, help="with --render: the JSON file to write")
    parser.add_argument(
        "--var", action="append", default=[], metavar="KEY=VALUE", help="set an Airflow Variable (repeatable)"
    )
    options = parser.parse_args(argv)
    if (options.render is None) != (options.out is None):
        parser.error("--render and --out go together")
    if options.render is not None and not is_iso_date(options.render):
        parser.error(f"--render needs a date YYYY-MM-DD, got {options.render!r}")
    if any("=" not in item for item in options.var):
        parser.error("--var needs KEY=VALUE")
    variables = dict(item.split("=", 1) for item in options.var)

    ds = options.render or SAMPLE_DS
    rendered, problems = check(options.dag, ds, variables)
    for problem in problems:
        print(f"check_dag: {problem}")
    if problems:
        return 1
    if options.out is not None:
        options.out.write_text(json.dumps({"ds": ds, "tasks": rendered}, indent=2) + "\n")
    print(f"check_dag: OK ({len(rendered)} tasks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
