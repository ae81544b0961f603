"""The deputy director's monthly and end-of-period check of the journals (see `figures`)."""

from journal.queries.checks.figures import check_figures
from journal.queries.checks.findings import BY_KEY, FINDINGS, Finding
from journal.queries.checks.span import CheckSpan, chosen_span, periods_of, year_of
from journal.queries.checks.summary import Change, compare, journal_changes, narrow, share

__all__ = ["BY_KEY", "FINDINGS", "Change", "CheckSpan", "Finding", "check_figures",
           "chosen_span", "compare", "journal_changes", "narrow", "periods_of", "share",
           "year_of"]
