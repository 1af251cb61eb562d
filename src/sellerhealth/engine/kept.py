"""Counters kept in the store and kept current by every import, in the import's transaction.

An import touches entities: orders (with everything tied to them: feedback, claims and their
status history, chargebacks, shipments, cancellations), buyer messages and violations. Before
it writes, `Upkeep.before` reads the touched entities' stored rows; after, `Upkeep.after` reads
them again and adds "counters of the new rows minus counters of the old rows"
(`engine.change`) to the account's kept series (`engine.dense`). Nothing else is read, so a
day's file costs the same whatever the store holds. Because it all happens inside the import's
transaction, a killed import leaves records and counters as they were, a re-import changes
nothing, and a newer row for the same key moves the counters by exactly its difference.

An account whose counters are missing, or were counted under another policy or another
version of its policy file, is counted afresh from all its records (`recount`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from sellerhealth.domain import records as r
from sellerhealth.domain.policy import Policy
from sellerhealth.engine import dense
from sellerhealth.engine.change import counted_change
from sellerhealth.engine.count import Counted
from sellerhealth.policy_files import load_policy, policy_digest
from sellerhealth.store import counters as c
from sellerhealth.store.tables import FEEDBACK

if TYPE_CHECKING:
    from sellerhealth.store.store import Store

Tables = dict[str, pa.Table]
_ENTITY_OF: dict[type, str] = {r.Violation: "violation_id", r.BuyerMessage: "message_id"}
_COUNTED = (
    r.Order,
    r.Feedback,
    r.Claim,
    r.Chargeback,
    r.Shipment,
    r.Cancellation,
    r.Violation,
    r.BuyerMessage,
)


# The version of the counting rules (engine/*.py's SQL): counters kept by another version are
# recounted on first use, as counters kept under another policy are.
COUNTING_RULES = 2


@dataclass(frozen=True, slots=True)
class Identity:
    """The policy an account's counters are counted under: its file and that file's version."""

    policy: str
    digest: str

    @classmethod
    def of(cls, store: Store, account: str) -> Identity:
        name = store.account(account).policy
        return cls(name, f"{policy_digest(name)}-{COUNTING_RULES}")


def current(store: Store, account: str) -> Identity | None:
    """The account's counter identity when its kept counters are current, else None."""
    wanted = Identity.of(store, account)
    found = c.counter_set(store.backend, account)
    if found is None or (found.policy, found.digest) != (wanted.policy, wanted.digest):
        return None
    return wanted


def kept_series(store: Store, account: str) -> dict[dense.Key, dense.Series] | None:
    """The account's kept series, or None when they are missing or not the current policy's."""
    if current(store, account) is None:
        return None
    return c.read_series(store.backend, account)


def counted_series(store: Store, account: str, policy: Policy) -> dict[dense.Key, dense.Series]:
    """The account's series counted now from all its records (the full engine)."""
    tables = {spec.name: store.arrow(spec, account) for spec in c.ENGINE_TABLES}
    return counted_change(policy, tables, {}, c.ENGINE_SCHEMAS).series()


def recount(store: Store, account: str) -> None:
    """Replace the account's kept counters with a count from its records (inside the caller's
    transaction)."""
    identity = Identity.of(store, account)
    series = counted_series(store, account, load_policy(identity.policy))
    c.replace_series(store.backend, account, series, identity.policy, identity.digest)


# --- an import's upkeep -----------------------------------------------------------------------


@dataclass
class Upkeep:
    """The touched entities of one import, per account, and their rows before it wrote."""

    store: Store
    touched: dict[str, dict[str, set[str]]]  # account -> entity column -> ids
    before: dict[str, Tables] = field(default_factory=dict)  # accounts counted incrementally
    identities: dict[str, Identity] = field(default_factory=dict)
    # The first day whose figures the import changed, per account (None: counted afresh).
    changed_from: dict[str, date | None] = field(default_factory=dict)

    @classmethod
    def start(
        cls, store: Store, records: Iterable[Any], reports: Sequence[r.FeedbackReport]
    ) -> Upkeep:
        """Note what `records` (and the feedback reports' removals) touch and read its rows."""
        touched: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for record in records:
            if isinstance(record, _COUNTED):
                column = _ENTITY_OF.get(type(record), "order_id")
                touched[record.account][column].add(getattr(record, column))
        for report in reports:  # a newer report removes feedback it no longer lists
            touched[report.account]["order_id"].update(_listed_between(store, report))
        upkeep = cls(store, {a: dict(by) for a, by in touched.items()})
        for account in upkeep.touched:
            identity = current(store, account)
            if identity is not None:
                upkeep.identities[account] = identity
                upkeep.before[account] = upkeep._rows(account)
        return upkeep

    def finish(self) -> None:
        """Bring the touched accounts' counters up to date with what was written."""
        backend = self.store.backend
        for account in self.touched:
            if (
                account not in self.before
                or Identity.of(self.store, account)
                != (
                    self.identities[account]  # the import moved its policy (its marketplaces)
                )
            ):
                recount(self.store, account)
                self.changed_from[account] = None  # counted afresh: anything may have changed
                continue
            policy = load_policy(self.identities[account].policy)
            after = self._rows(account)
            change = counted_change(policy, after, self.before[account], c.ENGINE_SCHEMAS)
            mine = change.only(account)
            changed, emptied = dense.apply(c.read_series(backend, account), mine.changes())
            c.write_series(backend, account, changed, emptied)
            if changed or emptied:
                c.bump_version(backend, account)
                self.changed_from[account] = _first_changed_day(mine, after, self.before[account])

    def _rows(self, account: str) -> Tables:
        ids = self.touched[account]
        return {
            spec.name: self.store.entity_rows(
                spec, account, c.entity_column(spec), ids.get(c.entity_column(spec), set())
            )
            for spec in c.ENGINE_TABLES
        }


def _first_changed_day(change: Counted, *copies: Tables) -> date | None:
    """The first day of the counters' change, or of a touched feedback in either copy of the
    rows (positive feedback moves no counter, yet it moves the states' feedback share)."""
    days = [change.first_day()]
    for rows in copies:
        first = pc.min(rows[FEEDBACK.name].column("feedback_date")).as_py()
        days.append(date.fromisoformat(first) if first else None)
    found = [day for day in days if day is not None]
    return min(found) if found else None


def _listed_between(store: Store, report: r.FeedbackReport) -> list[str]:
    rows = store.backend.query(
        "SELECT order_id FROM feedback WHERE account = ? AND feedback_date BETWEEN ? AND ?",
        (report.account, report.range_from.isoformat(), report.range_to.isoformat()),
    )
    return [row[0] for row in rows]


def differences(
    kept: Mapping[dense.Key, dense.Series], counted: Mapping[dense.Key, dense.Series]
) -> list[tuple[dense.Key, dense.Series | None, dense.Series | None]]:
    """Every key whose kept series is not the counted one: (key, kept, counted)."""
    return [
        (key, kept.get(key), counted.get(key))
        for key in sorted(set(kept) | set(counted))
        if kept.get(key) != counted.get(key)
    ]
