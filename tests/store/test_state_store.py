"""State transitions and appeals in the store, against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sellerhealth.domain.appeals import Appeal, AppealOutcome
from sellerhealth.domain.states import AccountState, ReviewKind, Transition
from sellerhealth.store.migrations import MIGRATIONS, current_version
from sellerhealth.store.store import Store

BREACH = Transition(
    day=date(2026, 7, 20),
    from_state=AccountState.HEALTHY,
    to_state=AccountState.UNDER_REVIEW,
    kind=ReviewKind.RISK,
    rule="odr_breach",
    evidence={
        "breaches": [
            {"metric": "odr", "channel": "MFN", "rate": 0.0125, "order_ids": ["o1", "o7"]},
        ]
    },
    trigger="metric_breach",
    source="1.7, 4.6",
)
CLEARED = Transition(
    day=date(2026, 7, 20),
    from_state=AccountState.UNDER_REVIEW,
    to_state=AccountState.HEALTHY,
    kind=ReviewKind.NONE,
    rule="risk_cleared",
    evidence={"checked": ["odr_breach"], "figures": {"odr": {"AFN": None, "MFN": 0.009}}},
    from_kind=ReviewKind.RISK,
    trigger="all_clear",
    source="4.3",
)


def test_migration_2_creates_the_state_tables(target):
    with Store.open(target) as store:
        assert current_version(store.backend) >= 2
        assert MIGRATIONS[1].name == "state transitions and appeals"
        assert store.backend.table_exists("state_transitions")
        assert store.backend.table_exists("appeals")


def test_transitions_round_trip_with_their_evidence_in_order(target):
    with Store.open(target) as store:
        store.replace_transitions("a", [BREACH, CLEARED])
        assert store.transitions("a") == [BREACH, CLEARED]
        assert store.transitions("a")[0].evidence == BREACH.evidence
        assert store.transitions("b") == []


def test_a_replay_replaces_the_stored_history(target):
    with Store.open(target) as store:
        store.replace_transitions("a", [BREACH, CLEARED])
        store.replace_transitions("b", [BREACH])
        store.replace_transitions("a", [BREACH])  # a shorter replay (an earlier as-of day)
        assert store.transitions("a") == [BREACH]
        store.replace_transitions("a", [BREACH])  # the same replay again changes nothing
        assert store.transitions("a") == [BREACH]
        assert store.transitions("b") == [BREACH]  # other accounts untouched
        count = store.backend.query("SELECT COUNT(*) FROM state_transitions")[0][0]
        assert count == 2
        store.replace_transitions("a", [])
        assert store.transitions("a") == []


def test_appeals_round_trip_and_update(target):
    draft = Appeal("a-1", "a", date(2026, 8, 23), root_cause="late carrier pickups")
    with Store.open(target) as store:
        store.save_appeal(draft)
        assert store.appeals("a") == [draft]
        decided = Appeal(
            "a-1",
            "a",
            date(2026, 8, 23),
            root_cause="late carrier pickups",
            actions_taken="moved pickup to 3 pm",
            prevention="daily check of unshipped orders",
            evidence=("pickup-log.pdf", "https://example.com/carrier-contract"),
            submitted_on=date(2026, 8, 30),
            decided_on=date(2026, 9, 4),
            outcome=AppealOutcome.DENIED,
        )
        store.save_appeal(decided)
        assert store.appeals("a") == [decided]
        assert store.appeal("a-1") == decided
        assert store.appeal("nope") is None
        assert store.appeals("b") == []
        earlier = Appeal("a-0", "a", date(2026, 8, 1))
        store.save_appeal(earlier)
        assert [x.appeal_id for x in store.appeals("a")] == ["a-0", "a-1"]
