"""How long each page is on a 360×740 phone, in screens, per role: the longest page first.

Runs the every-page browser test (tests/browser/test_every_page.py) on its own fresh temporary
SQLite database, which writes the length of every page it visits, then prints them. The test's
verdict on targets and overflow does not matter here: the lengths are written before it.

    .venv/bin/python bench/page_lengths.py            # the table
    .venv/bin/python bench/page_lengths.py --all      # and every page of every role
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Reference texts every role can open but no one reads on the way to a task: shown apart.
REFERENCE_TEXTS = {"/privacy", "/welcome/privacy", "/privacy/register"}
ROLES = ("anonymous", "guardian", "teacher", "director", "animator", "city_agent", "admin", "dpo")


def measure() -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="ent_lite_lengths_") as folder:
        out = Path(folder) / "lengths.json"
        env = {name: value for name, value in os.environ.items()
               if not name.startswith("ENT_LITE_") and name != "TEST_DATABASE_URL"}
        env["PAGE_LENGTHS_OUT"] = str(out)
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                        "--show-capture=no", "--tb=no", "tests/browser/test_every_page.py"],
                       cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
        if not out.exists():
            sys.exit("the every-page test wrote no lengths: run it to see why")
        return json.loads(out.read_text(encoding="utf-8"))


def main() -> None:
    lengths = measure()
    print(f"{'role':<11} {'longest page':<34} {'screens':>7}   {'longest but the notice and register':<34} {'screens':>7}")
    for role in ROLES:
        pages = lengths.get(role, {})
        if pages:
            page, length = max(pages.items(), key=lambda item: item[1])
            working = {p: n for p, n in pages.items() if p not in REFERENCE_TEXTS} or {"-": 0.0}
            task, task_length = max(working.items(), key=lambda item: item[1])
            print(f"{role:<11} {page:<34} {length:>7.1f}   {task:<34} {task_length:>7.1f}")
    if "--all" in sys.argv:
        for role in ROLES:
            print(f"\n{role}")
            for page, length in sorted(lengths.get(role, {}).items(), key=lambda item: -item[1]):
                print(f"  {length:>5.1f}  {page}")


if __name__ == "__main__":
    main()
