#!/usr/bin/env python3
"""Fail when a notebook in notebooks/ holds outputs or execution counts (they stay out of git).

    python3 notebooks/check_stripped.py          # exit 1 and list the notebooks that hold outputs
    python3 notebooks/check_stripped.py --fix    # strip them in place

Plain JSON, no dependencies (nbstripout is not available here).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def dirty_cells(nb: dict) -> list[int]:
    return [i for i, cell in enumerate(nb.get("cells", []))
            if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def strip(nb: dict) -> None:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--fix", action="store_true", help="strip outputs in place instead of failing")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.notebooks or sorted(HERE.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = dirty_cells(nb)
        if not cells:
            continue
        if args.fix:
            strip(nb)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"stripped {path}")
        else:
            dirty.append(f"{path}: outputs or execution counts in cells {cells}")
    for line in dirty:
        print(line, file=sys.stderr)
    if dirty:
        print("run `python3 notebooks/check_stripped.py --fix` before committing", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
