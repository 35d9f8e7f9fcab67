"""Read Nightjar's Delta tables the way engines without Delta support do: through the tables'
symlink-format manifests, with DuckDB.

A Delta table's folder also holds files that are no longer part of it (replaced partitions, old
versions kept for time travel), so globbing ``*.parquet`` over-counts. Delta's symlink-format
manifest (``<table>/_symlink_format_manifest/[<partition>/]manifest``) lists exactly the files of the
current version, one ``file:`` URI a line, one manifest per partition folder. Partition columns are not
stored inside the Parquet files; they are taken from the manifest's folder path (``run_date=2026-10-31``).

    from nightjar_lake import connect, read_delta_via_manifest
    con = connect()                       # a DuckDB connection with one view per table that has a manifest
    con.sql("SELECT source, count(*) FROM recommendations GROUP BY source").df()
    read_delta_via_manifest(None, "quarantine").df()   # one table as a DuckDB relation

The lakehouse is ``$NIGHTJAR_LAKEHOUSE`` (default ``../lakehouse``, the demo's lakehouse seen from
``notebooks/``). Manifests hold absolute paths: after moving a lakehouse, regenerate them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb

MANIFEST_DIR = "_symlink_format_manifest"
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d{1,18}$")


def lakehouse_path(lakehouse: str | os.PathLike | None = None) -> Path:
    """The lakehouse root: the argument, else $NIGHTJAR_LAKEHOUSE, else ../lakehouse."""
    return Path(lakehouse or os.environ.get("NIGHTJAR_LAKEHOUSE") or "../lakehouse").expanduser().resolve()


def tables_with_manifest(lakehouse=None) -> list[str]:
    """Names of the tables under the lakehouse whose symlink-format manifest exists."""
    root = lakehouse_path(lakehouse)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST_DIR).is_dir())


def _file_path(uri: str) -> str:
    """A manifest line (a URI, percent-encoded) as a path or URL DuckDB can read."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path)
    scheme = "s3" if parsed.scheme in ("s3a", "s3n") else parsed.scheme
    return f"{scheme}://{parsed.netloc}{unquote(parsed.path)}"


def manifest_files(lakehouse, table: str) -> list[tuple[dict[str, str | None], list[str]]]:
    """(partition values, data files) for each manifest of ``table``: one per partition folder."""
    root = lakehouse_path(lakehouse) / table / MANIFEST_DIR
    if not root.is_dir():
        raise FileNotFoundError(
            f"table '{table}' has no symlink-format manifest ({root} is missing): enable it once with "
            "Lakehouse.enableSymlinkManifest, or ALTER TABLE delta.`<path>` SET TBLPROPERTIES "
            "('delta.compatibility.symlinkFormatManifest.enabled' = 'true') and GENERATE symlink_format_manifest "
            "FOR TABLE delta.`<path>`")
    out = []
    for manifest in sorted(root.rglob("manifest")):
        partition: dict[str, str | None] = {}
        for segment in manifest.parent.relative_to(root).parts:
            key, sep, value = segment.partition("=")
            if not sep:
                raise ValueError(f"unexpected folder '{segment}' in {manifest.parent}: expected column=value")
            partition[unquote(key)] = None if value == HIVE_NULL else unquote(value)
        files = [_file_path(line.strip()) for line in manifest.read_text().splitlines() if line.strip()]
        out.append((partition, files))
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partition_type(values: list[str | None]) -> str:
    present = [v for v in values if v is not None]
    if present and all(_DATE.match(v) for v in present):
        return "DATE"
    if present and all(_INT.match(v) for v in present):
        return "BIGINT"
    return "VARCHAR"


def manifest_sql(lakehouse, table: str) -> str:
    """A DuckDB query reading exactly the current rows of ``table``, partition columns included."""
    manifests = manifest_files(lakehouse, table)
    files = [f for _, fs in manifests for f in fs]
    if not files:
        raise ValueError(f"table '{table}' is empty: its manifest lists no data files")
    file_list = "[" + ", ".join(_quote(f) for f in files) + "]"
    scan = f"read_parquet({file_list}, union_by_name = true, hive_partitioning = false"
    columns = sorted({k for partition, _ in manifests for k in partition})
    if not columns:
        return f"SELECT * FROM {scan})"
    # partition values come from the manifest's folder, joined to each row by its file name
    types = {c: _partition_type([p.get(c) for p, _ in manifests]) for c in columns}
    rows = []
    for partition, fs in manifests:
        values = ", ".join("NULL" if partition.get(c) is None else _quote(partition[c]) for c in columns)
        rows.extend(f"({_quote(f)}, {values})" for f in fs)
    names = ", ".join(["__nightjar_file"] + [_ident(c) for c in columns])
    selected = ", ".join(f"CAST(m.{_ident(c)} AS {types[c]}) AS {_ident(c)}" for c in columns)
    return (f"SELECT p.* EXCLUDE (filename), {selected} FROM {scan}, filename = true) AS p "
            f"JOIN (VALUES {', '.join(rows)}) AS m({names}) ON p.filename = m.__nightjar_file")


def read_delta_via_manifest(lakehouse, table: str, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyRelation:
    """``table`` as a DuckDB relation (``.df()`` gives pandas), read through its symlink-format manifest."""
    return (con or duckdb.connect()).sql(manifest_sql(lakehouse, table))


def connect(lakehouse=None, tables: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view per table (default: every table with a non-empty manifest)."""
    con = duckdb.connect()
    for table in tables if tables is not None else tables_with_manifest(lakehouse):
        try:
            con.execute(f"CREATE OR REPLACE VIEW {_ident(table)} AS {manifest_sql(lakehouse, table)}")
        except ValueError:
            if tables is not None:
                raise  # an empty table asked for by name
    return con


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``connect`` made a view ``name`` (the table exists, has a manifest and rows)."""
    return con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0] > 0
