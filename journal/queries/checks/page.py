"""What the check page shows: the live figures beside the kept ones, the totals on top and the
journals with findings below, each finding with the rows behind it and what a remark made
from it would say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from journal.models import JournalCheck, School
from journal.queries.checks.behind import GENERAL_FIGURES
from journal.queries.checks.figures import check_figures
from journal.queries.checks.findings import Finding
from journal.queries.checks.span import CheckSpan
from journal.queries.checks.summary import Change, compare, journal_changes, narrow, signed
from journal.queries.journals import JournalFilter

# How many rows a remark's text names before «…».
REMARK_ROWS = 5
REMARK_LENGTH = 600


def journal_label(journal: dict) -> str:
    """«5А · Английский язык (1 группа)»."""
    group = f" ({journal['group']})" if journal["group"] else ""
    return f"{journal['class']} · {journal['subject']}{group}"


@dataclass(frozen=True)
class FindingRow:
    """One finding of one journal: its counts and the rows behind it (live)."""

    change: Change
    items: list[dict]
    journal: dict
    check_id: int | None = None

    @property
    def finding(self) -> Finding:
        return self.change.finding

    @property
    def more(self) -> int:
        """Rows counted but not listed (the journal shows them all)."""
        return max(0, self.change.live - len(self.items)) if self.finding.per_row else 0

    @property
    def link(self) -> str:
        """Where to fix it: its one row, else the journal."""
        if len(self.items) == 1 and not self.more:
            return self.items[0]["link"]
        return self.journal["plan_link"] if self.finding.key == "behind_plan" \
            else self.journal["link"]

    @property
    def remark_text(self) -> str:
        rows = ", ".join(item["label"] for item in self.items[:REMARK_ROWS])
        if self.more or len(self.items) > REMARK_ROWS:
            rows += ", …"
        text = f"{journal_label(self.journal)}: {self.finding.label} ({self.change.live}): {rows}"
        return text[:REMARK_LENGTH]

    @property
    def remark_query(self) -> str:
        """The query string of the remark form (`journal:remark_new`) filled in from it."""
        return urlencode({"assignment": self.journal["id"], "finding": self.finding.key,
                          "text": self.remark_text, "link": self.link,
                          "check": self.check_id or ""})


@dataclass(frozen=True)
class JournalRow:
    journal: dict
    findings: list[FindingRow]

    @property
    def label(self) -> str:
        return journal_label(self.journal)


@dataclass(frozen=True)
class Figure:
    """A figure of the whole (or of what is shown), live and as kept."""

    key: str          # `behind.BY_KEY`: what it counts and the list behind it
    label: str
    live: int | None
    kept: int | None = None
    percent: bool = False

    @property
    def difference(self) -> int | None:
        if self.live is None or self.kept is None:
            return None
        return self.live - self.kept

    @property
    def difference_label(self) -> str:
        return signed(self.difference)

    @property
    def has_list(self) -> bool:
        """Something is behind it now: a count of things, or a share of a whole (0 % lists
        those who did not)."""
        return bool(self.live) or (self.percent and self.live is not None)


def general_figures(live: dict, kept: dict | None) -> list[Figure]:
    return [Figure(f.key, f.label, f.read(live["totals"]),
                   f.read(kept["totals"]) if kept else None, percent=f.percent)
            for f in GENERAL_FIGURES]


@dataclass
class CheckPage:
    span: CheckSpan
    live: dict
    kept: dict | None               # the kept check's figures narrowed as the live ones
    check: JournalCheck | None
    totals: list[Change]
    figures: list[Figure]
    rows: list[JournalRow]          # journals with a finding, live or kept

    @property
    def as_of(self) -> dt.date:
        """The last day the live figures look at."""
        return dt.date.fromisoformat(self.live["as_of"])

    @property
    def clean_journals(self) -> int:
        return len(self.live["journals"]) - len(self.rows)

    @property
    def idle_teachers(self) -> list[dict]:
        return [t for t in self.live["teachers"] if not t["active"]]


def check_page(school: School, span: CheckSpan, check: JournalCheck | None,
               wanted: JournalFilter, today: dt.date, finding: Finding | None = None
               ) -> CheckPage:
    """`finding`: the journals list shows only it (a total's link), the totals stay whole."""
    narrowed = {"school_class": wanted.school_class, "teacher": wanted.teacher,
                "subject": wanted.subject}
    live = check_figures(school, span, today=today, **narrowed)
    kept = narrow(check.figures, **narrowed) if check is not None else None
    changes = journal_changes(live, kept)
    rows = []
    for journal in live["journals"]:
        findings = [FindingRow(change, journal["items"].get(key, []), journal,
                               check.pk if check else None)
                    for key, change in changes[journal["id"]].items()
                    if (change.live or change.kept) and finding in (None, change.finding)]
        if findings:
            rows.append(JournalRow(journal, findings))
    return CheckPage(span=span, live=live, kept=kept, check=check,
                     totals=compare(live, kept), figures=general_figures(live, kept), rows=rows)
