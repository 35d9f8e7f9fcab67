"""Tests for airflow/check_dag.py: it passes the real DAG and fails deliberately broken copies of it.

Run: python3 -m unittest discover -s airflow/tests
"""

import importlib.util
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

CHECKER = Path(__file__).resolve().parents[1] / "check_dag.py"
_spec = importlib.util.spec_from_file_location("check_dag", CHECKER)
check_dag = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_dag)
DAG_SOURCE = check_dag.DEFAULT_DAG_FILE.read_text()


class CheckDagTest(unittest.TestCase):
    def setUp(self):
        temp_dir = tempfile.TemporaryDirectory()
        self.addCleanup(temp_dir.cleanup)
        self.temp_dir = Path(temp_dir.name)

    def broken_dag(self, old, new):
        """Write a copy of the real DAG with ``old`` (which must occur exactly once) replaced by ``new``."""
        self.assertEqual(DAG_SOURCE.count(old), 1, f"the DAG no longer contains {old!r} once")
        path = self.temp_dir / "broken_dag.py"
        path.write_text(DAG_SOURCE.replace(old, new))
        return path

    def assert_problem(self, path, expected):
        _, problems = check_dag.check(path)
        self.assertTrue(any(expected in problem for problem in problems), f"{expected!r} not in {problems}")

    def run_checker(self, *args):
        return subprocess.run(
            [sys.executable, str(CHECKER), *args], capture_output=True, text=True, check=False
        )

    def test_real_dag_passes(self):
        result = self.run_checker()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "check_dag: OK (9 tasks)")

    def test_render_writes_the_exact_spark_submit_arguments(self):
        out = self.temp_dir / "tasks.json"
        result = self.run_checker(
            "--render", "2026-03-05", "--out", str(out), "--var", "nightjar_conf=c.conf"
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        tasks = json.loads(out.read_text())["tasks"]
        self.assertEqual(
            [task["task_id"] for task in tasks],
            ["ingest", "embed-items", "interactions", "profiles", "tune", "train", "recommend", "evaluate", "publish"],
        )
        self.assertEqual(
            [task["upstream"] for task in tasks],
            [[], ["ingest"], ["embed-items"], ["interactions"], ["profiles"], ["tune"], ["train"], ["recommend"], ["evaluate"]],
        )
        self.assertEqual({task["java_class"] for task in tasks}, {"dev.nightjar.jobs.Nightjar"})
        self.assertEqual(
            tasks[5]["application_args"],
            ["train", "--date", "2026-03-05", "--lakehouse", "/data/nightjar/lakehouse", "--conf", "c.conf"],
        )

    def test_render_refuses_a_non_iso_date(self):
        result = self.run_checker("--render", "20260305", "--out", str(self.temp_dir / "tasks.json"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("--render needs a date YYYY-MM-DD", result.stderr)

    def test_catchup_true_fails(self):
        path = self.broken_dag("catchup=False", "catchup=True")
        self.assert_problem(path, "catchup must be False, got True")
        result = self.run_checker("--dag", str(path))
        self.assertEqual(result.returncode, 1)
        self.assertIn("check_dag: catchup must be False, got True", result.stdout)

    def test_templated_java_class_fails(self):
        path = self.broken_dag(
            "java_class=MAIN_CLASS",
            "java_class=\"{{ var.value.get('main', 'dev.nightjar.jobs.Nightjar') }}\"",
        )
        self.assert_problem(path, "java_class is not a templated field of SparkSubmitOperator")

    def test_missing_task_fails(self):
        path = self.broken_dag('"tune", "train", "recommend"', '"tune", "recommend"')
        self.assert_problem(path, "missing task 'train'")

    def test_undefined_template_variable_fails(self):
        path = self.broken_dag('"--date", "{{ ds }}"', '"--date", "{{ logical_day }}"')
        self.assert_problem(
            path, "application_args does not render: UndefinedError: 'logical_day' is undefined"
        )

    def test_variable_without_default_fails_on_a_fresh_install(self):
        path = self.broken_dag(
            "{{ var.value.get('nightjar_lakehouse', '/data/nightjar/lakehouse') }}",
            "{{ var.value.nightjar_lakehouse }}",
        )
        self.assert_problem(path, "Variable nightjar_lakehouse does not exist")

    def test_date_that_is_not_the_logical_date_fails(self):
        path = self.broken_dag('"--date", "{{ ds }}"', '"--date", "{{ ds_nodash }}"')
        self.assert_problem(
            path, "--date must render to the logical date 2026-01-15 (YYYY-MM-DD), got '20260115'"
        )

    def test_wrong_order_fails(self):
        path = self.broken_dag('"interactions", "profiles", "tune"', '"tune", "interactions", "profiles"')
        self.assert_problem(path, "task 'tune' must run after 'profiles'")

    def test_unchained_tasks_fail(self):
        path = self.broken_dag("        upstream >> downstream", "        pass")
        self.assert_problem(path, "the tasks must form one chain with one first task")

    def test_extra_option_fails(self):
        path = self.broken_dag('"--conf", JOB_CONF]', '"--conf", JOB_CONF, "--seed", "7"]')
        self.assert_problem(path, "application_args must be the stage, then each of")


if __name__ == "__main__":
    unittest.main()
