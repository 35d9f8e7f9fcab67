#!/usr/bin/env python3
"""Execute every notebook in notebooks/ headless against $NIGHTJAR_LAKEHOUSE; exit 1 on any error.

    NIGHTJAR_LAKEHOUSE=/path/to/lakehouse python3 notebooks/run_all.py --output-dir /tmp/executed

Each notebook runs in a fresh kernel of this very Python (so the packages this script sees are the
kernel's), with notebooks/ as its working folder. The executed copies go to --output-dir; the
notebooks in git are never modified. Needs: nbclient nbformat ipykernel duckdb pandas matplotlib.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
KERNEL = "nightjar-python"


def kernel_of_this_python(folder: Path) -> None:
    """A kernelspec running this interpreter, found first through JUPYTER_PATH (the default 'python3'
    kernelspec runs whatever 'python' the PATH finds, which may lack the packages)."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (nightjar notebooks)",
        "language": "python",
    }))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("JUPYTER_PATH")]))


def errors_in(nb) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                out.append(f"cell {i}: {output.get('ename')}: {output.get('evalue')}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--output-dir", type=Path, default=None, help="where the executed copies go (default: a temporary folder)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)

    notebooks = args.notebooks or sorted(HERE.glob("*.ipynb"))
    if not notebooks:
        print("run_all: no notebooks found", file=sys.stderr)
        return 1
    output_dir = args.output_dir or Path(tempfile.mkdtemp(prefix="nightjar-notebooks-"))
    output_dir.mkdir(parents=True, exist_ok=True)
    print(f"run_all: {len(notebooks)} notebooks, NIGHTJAR_LAKEHOUSE={os.environ.get('NIGHTJAR_LAKEHOUSE', '(unset: ../lakehouse)')}, "
          f"executed copies in {output_dir}", flush=True)

    with tempfile.TemporaryDirectory(prefix="nightjar-kernel-") as kernels:
        kernel_of_this_python(Path(kernels))
        failed = []
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=args.timeout, kernel_name=KERNEL, allow_errors=False,
                                    resources={"metadata": {"path": str(path.resolve().parent)}})
            start = time.monotonic()
            problem = None
            try:
                client.execute()
            except CellExecutionError as e:
                problem = str(e)
            except Exception as e:  # kernel died, timeout, ...
                problem = f"{type(e).__name__}: {e}"
            problems = ([problem] if problem else []) + errors_in(nb)
            nbformat.write(nb, output_dir / path.name)
            status = "FAILED" if problems else "ok"
            print(f"run_all: {path.name}: {status} in {time.monotonic() - start:.1f} s", flush=True)
            if problems:
                failed.append(path.name)
                for p in problems:
                    print(p, file=sys.stderr)
    if failed:
        print(f"run_all: {len(failed)} of {len(notebooks)} notebooks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
