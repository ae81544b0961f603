"""Totals of a check's figures, a kept check narrowed to a class, teacher or subject, and the
kept figures set against the live ones (what has been fixed since)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from journal.queries.checks.findings import FINDINGS, Finding

_JOURNAL_SUMS = ("lessons", "homework_lessons", "students", "written", "substitutions")
_CLASS_SUMS = ("students", "students_active", "parents", "parents_active")


def share(part: int, whole: int) -> int | None:
    """A whole percentage, half up; None when there is nothing to divide by (shown as «—»)."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / whole).to_integral_value(rounding=ROUND_HALF_UP))


def totals(journals: list[dict], teachers: list[dict], classes: list[dict]) -> dict:
    """The figures of the whole school (or of what is shown) from the journals', teachers' and
    classes' own."""
    found = {name: sum(j[name] for j in journals) for name in _JOURNAL_SUMS}
    found["journals"] = len(journals)
    found["counts"] = {f.key: sum(j["counts"].get(f.key, 0) for j in journals) for f in FINDINGS}
    found["journals_with"] = {f.key: sum(1 for j in journals if j["counts"].get(f.key))
                              for f in FINDINGS}
    found["teachers"] = len(teachers)
    found["teachers_active"] = sum(1 for t in teachers if t["active"])
    found["families"] = {name: sum(c[name] for c in classes) for name in _CLASS_SUMS}
    counts, families = found["counts"], found["families"]
    found["shares"] = {
        "topics": share(found["lessons"] - counts["no_topic"], found["lessons"]),
        "homework": share(found["homework_lessons"] - counts["no_homework"],
                          found["homework_lessons"]),
        "no_marks": share(counts["no_marks"], found["students"]),
        "one_mark": share(counts["one_mark"], found["students"]),
        "teachers": share(found["teachers_active"], found["teachers"]),
        "students": share(families["students_active"], families["students"]),
        "parents": share(families["parents_active"], families["parents"]),
    }
    return found


def narrow(figures: dict, *, school_class: int | None = None, teacher: int | None = None,
           subject: int | None = None) -> dict:
    """Kept figures of the whole school shown for a class, a teacher or a subject, as the live
    ones are computed for them."""
    if not (school_class or teacher or subject):
        return figures
    journals = [j for j in figures.get("journals", [])
                if (not school_class or j["class_id"] == school_class)
                and (not teacher or j["teacher_id"] == teacher)
                and (not subject or j["subject_id"] == subject)]
    ids = {j["id"] for j in journals}
    teachers = [{**t, "journals": [pk for pk in t["journals"] if pk in ids]}
                for t in figures.get("teachers", []) if ids.intersection(t["journals"])]
    class_ids = {j["class_id"] for j in journals}
    classes = [c for c in figures.get("classes", []) if c["id"] in class_ids]
    return {**figures, "journals": journals, "teachers": teachers, "classes": classes,
            "totals": totals(journals, teachers, classes)}


def signed(difference: int | None) -> str:
    """«−3» (fixed since), «+2» (more found), «0»; "" with nothing to compare."""
    if difference is None:
        return ""
    return f"−{-difference}" if difference < 0 else f"+{difference}" if difference else "0"


@dataclass(frozen=True)
class Change:
    """One finding's count as kept and as it is now (and in how many journals, for totals)."""

    finding: Finding
    kept: int | None
    live: int
    journals: int | None = None

    @property
    def difference(self) -> int | None:
        """Negative when things were fixed since (−3), positive when more was found."""
        return None if self.kept is None else self.live - self.kept

    @property
    def difference_label(self) -> str:
        return signed(self.difference)


def compare(live: dict, kept: dict | None) -> list[Change]:
    """Every finding's total, live and (when a check was kept) as it was found."""
    live_counts = live["totals"]["counts"]
    kept_counts = kept["totals"]["counts"] if kept else {}
    return [Change(f, kept_counts.get(f.key, 0) if kept else None, live_counts.get(f.key, 0),
                   live["totals"]["journals_with"].get(f.key, 0))
            for f in FINDINGS]


def journal_changes(live: dict, kept: dict | None) -> dict[int, dict[str, Change]]:
    """Each journal's findings, live and as kept (by journal id, then finding key)."""
    kept_by_id = {j["id"]: j for j in (kept or {}).get("journals", [])}
    changes = {}
    for journal in live["journals"]:
        before = kept_by_id.get(journal["id"])
        changes[journal["id"]] = {
            f.key: Change(f, before["counts"].get(f.key, 0) if before else None,
                          journal["counts"].get(f.key, 0))
            for f in FINDINGS}
    return changes
