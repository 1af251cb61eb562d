"""What was done about a feedback of the triage queue (migration 6): a removal `requested` of
Amazon, the feedback `removed`, or the request `refused`; the newest mark of each order wins
and every mark is kept in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sellerhealth.store import tables as t
from sellerhealth.store.backends import Backend

TRIAGE_STATUSES = ("requested", "removed", "refused")

TRIAGE_ACTIONS = t.TableSpec(
    "triage_actions",
    t._cols(
        "account:text!",
        "order_id:text!",
        "status:text!",
        "note:text!",
        "marked_by:text!",
        "marked_at:timestamp!",
    ),
    ("account", "order_id"),
)
DDL = (TRIAGE_ACTIONS.ddl(),)


@dataclass(frozen=True)
class TriageMark:
    order_id: str
    status: str
    note: str
    marked_by: str
    marked_at: datetime

    def as_dict(self) -> dict[str, str]:
        return {
            "orderId": self.order_id,
            "status": self.status,
            "note": self.note,
            "markedBy": self.marked_by,
            "markedAt": self.marked_at.isoformat(),
        }


def mark(backend: Backend, account: str, item: TriageMark) -> None:
    row = (account, item.order_id, item.status, item.note, item.marked_by, item.marked_at)
    with backend.transaction():
        backend.execute(
            TRIAGE_ACTIONS.upsert(backend.placeholder), tuple(t.to_cell(v) for v in row)
        )


def marks(backend: Backend, account: str) -> dict[str, TriageMark]:
    """order id -> its mark, for one account."""
    rows = backend.query(
        "SELECT order_id, status, note, marked_by, marked_at FROM triage_actions WHERE account = ?",
        (account,),
    )
    return {o: TriageMark(o, s, n, b, datetime.fromisoformat(a)) for o, s, n, b, a in rows}


def has_feedback(backend: Backend, account: str, order_id: str) -> bool:
    rows = backend.query(
        "SELECT 1 FROM feedback WHERE account = ? AND order_id = ?", (account, order_id)
    )
    return bool(rows)
