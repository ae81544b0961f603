"""`make bench`: run the benchmarks, each printing `name: value unit` lines on stdout.

    python bench/run.py               # all of them
    python bench/run.py seed_demo     # only the named ones
    python -m bench.rollover          # one, from the project's folder
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ["seed_demo", "journal_page", "diary_load", "sign_in", "notifications", "reports",
              "portal_export", "rollover", "year_archive", "lighthouse"]


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    failed = 0
    for name in names or BENCHMARKS:
        module = importlib.import_module(f"bench.{name}")
        failed += module.run() != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
