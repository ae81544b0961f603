"""What the benchmarks share: the benchmark database, Django set up on it, and the figures'
medians and spread."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ejournal_bench"


def setup_django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejournal.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def current_year():
    """The current year of the (large) demo school in the benchmark database, or None."""
    from journal.models import AcademicYear

    return AcademicYear.objects.filter(is_current=True).select_related("school").first()


def spread(samples: list[float], digits: int = 2) -> str:
    """«median (min–max, n=…)»."""
    return (f"{statistics.median(samples):.{digits}f} "
            f"({min(samples):.{digits}f}–{max(samples):.{digits}f}, n={len(samples)})")
