"""How far a file has got, told now and then: a background run saves it for its progress bar,
and one save a second is enough for a bar that asks once a second."""

from __future__ import annotations

import time
from collections.abc import Callable

EVERY_SECONDS = 0.5


class Progress:
    def __init__(self, report: Callable[[int], None] | None = None, every: float | None = None):
        self.report = report
        self.every = EVERY_SECONDS if every is None else every
        self.done = 0
        self._told = time.monotonic()

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        if self.report is not None and time.monotonic() - self._told >= self.every:
            self.report(self.done)
            self._told = time.monotonic()

    def finish(self) -> None:
        if self.report is not None:
            self.report(self.done)
