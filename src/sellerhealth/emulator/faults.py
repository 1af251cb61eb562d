"""Faults the emulator can be told to inject, per operation, a given number of times.

`Faults.add("getOrders", "throttle", times=3)` makes the next three getOrders calls answer
429; `"error"` answers 500, `"drop"` closes the connection without an answer, `"slow"` waits
`seconds` before answering, `"expire"` expires every access token before the call, and for
report documents `"truncate"` sends the gzip cut in half. Report outcomes are per report type:
`cancel` (CANCELLED: no data for the range) and `fatal` (FATAL).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

KINDS = ("throttle", "error", "drop", "slow", "expire", "truncate")


@dataclass
class Fault:
    kind: str
    times: int
    seconds: float = 0.0


@dataclass
class Faults:
    queued: dict[str, list[Fault]] = field(default_factory=dict)
    cancel: set[str] = field(default_factory=set)  # report types that end CANCELLED
    fatal: set[str] = field(default_factory=set)  # report types that end FATAL
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, operation: str, kind: str, times: int = 1, seconds: float = 0.0) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; expected one of {', '.join(KINDS)}")
        with self._lock:
            self.queued.setdefault(operation, []).append(Fault(kind, times, seconds))

    def take(self, operation: str) -> Fault | None:
        """The next fault for `operation`, used up once per call."""
        with self._lock:
            pending = self.queued.get(operation, [])
            while pending and pending[0].times <= 0:
                pending.pop(0)
            if not pending:
                return None
            pending[0].times -= 1
            return pending[0]

    def clear(self) -> None:
        with self._lock:
            self.queued.clear()
            self.cancel.clear()
            self.fatal.clear()
