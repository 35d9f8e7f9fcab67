#!/usr/bin/env bash
# Offline checks of the Airflow DAG (Airflow itself cannot be installed here); `mvn verify` runs this.
#   pip install ruff jinja2   # once
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in ruff; do
  command -v "$tool" >/dev/null || { echo "airflow/check.sh: '$tool' is missing: pip install ruff jinja2" >&2; exit 1; }
done
python3 -c "import jinja2" 2>/dev/null || { echo "airflow/check.sh: jinja2 is missing: pip install ruff jinja2" >&2; exit 1; }
ruff check --select AIR airflow
ruff check airflow
python3 airflow/check_dag.py
python3 -m unittest discover -s airflow/tests 2>&1 | tail -3
