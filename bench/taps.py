"""Taps a person makes on a phone (360×740) for issue 10's four paths, per case and median:
activate an account, sign for all children, answer an authorisation for all children,
publish a post with a photo.

    .venv/bin/python bench/taps.py [--db postgresql+psycopg://…] [--json out.json]

Runs tests/browser/test_taps.py (the flows are in tests/browser/tap_flows.py, what counts as a
tap in tests/browser/taps.py) and prints figures; the paths' own checks are the tests'.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ("activate", "sign for all children", "answer an authorisation for all children",
         "publish a post with a photo")


def run_flows(database_url: str | None) -> tuple[list[dict], bool]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "taps.jsonl"
        env = {name: value for name, value in os.environ.items() if not name.startswith("ENT_LITE_")}
        env["TAPS_REPORT"] = str(report)
        env.pop("TEST_DATABASE_URL", None)
        if database_url:
            env["TEST_DATABASE_URL"] = database_url
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/browser/test_taps.py"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
        if result.returncode != 0:
            print(result.stdout[-4000:], file=sys.stderr)
            print("some paths did not reach their end: their figures are missing below", file=sys.stderr)
        return rows, result.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a PostgreSQL URL (default: SQLite in a temporary file)")
    parser.add_argument("--json", help="also write every case's figures and steps to this file")
    args = parser.parse_args()
    rows, complete = run_flows(args.db)
    for flow in FLOWS:
        cases = [row for row in rows if row["flow"] == flow]
        if not cases:
            print(f"{flow}: no figure (the path failed)")
            continue
        median = statistics.median(row["taps"] for row in cases)
        print(f"{flow}: median {median:g} taps")
        for row in cases:
            print(f"  {row['case']}: {row['taps']} taps, {row['screens']:.1f} screens scrolled — "
                  + " · ".join(row["steps"]))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if not complete:
        sys.exit(1)


if __name__ == "__main__":
    main()
