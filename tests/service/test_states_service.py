"""Account states from imported files: replayed, stored with their evidence, shown."""

from __future__ import annotations

import dataclasses
import time
from datetime import date, timedelta

import pytest
from tests import state_cases as cases

from sellerhealth.domain import records as r
from sellerhealth.domain.appeals import Appeal, AppealOutcome
from sellerhealth.domain.state_facts import facts_for_day
from sellerhealth.domain.state_machine import advance
from sellerhealth.domain.states import AccountState, ReviewKind
from sellerhealth.errors import InputError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service.imports import import_files
from sellerhealth.service.metrics import policy_for
from sellerhealth.service.replay import first_order_day
from sellerhealth.service.states import (
    account_status,
    describe,
    replay_states,
    timeline,
)
from sellerhealth.store.store import Store


@pytest.fixture
def suspension(tmp_path):
    with cases.store_with(tmp_path / "s.db", cases.write_suspension_case(tmp_path / "in")) as store:
        yield store


def test_odr_over_target_starts_a_risk_review_with_the_defective_orders_as_evidence(breach):
    found = timeline(breach, cases.ACCOUNT, date(2026, 5, 1))
    assert len(found) == 1
    (t,) = found
    assert (t.day, t.from_state, t.to_state, t.kind) == (
        cases.FEEDBACK_DAY,
        AccountState.HEALTHY,
        AccountState.UNDER_REVIEW,
        ReviewKind.RISK,
    )
    assert (t.rule, t.trigger, t.source) == ("odr_breach", "metric_breach", "1.7, 4.6")
    (odr,) = t.evidence["breaches"]
    # Window [02-06, 04-06]: bad-1 and the 37 clean orders of 03-01 .. 04-06.
    assert (odr["channel"], odr["defective_orders"], odr["order_count"]) == ("MFN", 1, 38)
    assert odr["rate"] == 1 / 38
    assert odr["order_ids"] == ["bad-1"]
    assert odr["window"] == ["2026-02-06", "2026-04-06"]
    assert "bad-1" in describe(t)
    # The replay is stored, evidence and all.
    assert breach.transitions(cases.ACCOUNT) == found


def test_the_review_ends_on_the_day_the_defect_ages_out(breach):
    found = timeline(breach, cases.ACCOUNT, date(2026, 6, 1))
    assert [(t.day, t.rule) for t in found] == [
        (cases.FEEDBACK_DAY, "odr_breach"),
        (cases.AGES_OUT, "risk_cleared"),
    ]
    cleared = found[1]
    assert (cleared.from_state, cleared.from_kind, cleared.to_state) == (
        AccountState.UNDER_REVIEW,
        ReviewKind.RISK,
        AccountState.HEALTHY,
    )
    assert cleared.evidence["figures"]["odr"]["MFN"] == 0.0  # 0 of 60
    # The day before, the defect still counts: still in review.
    day_before = account_status(breach, cases.ACCOUNT, cases.AGES_OUT - timedelta(days=1))
    assert (day_before.state, day_before.since) == (AccountState.UNDER_REVIEW, cases.FEEDBACK_DAY)


def test_status_shows_capabilities_evidence_and_amazons_differing_status(breach):
    view = account_status(breach, cases.ACCOUNT, date(2026, 4, 25))
    assert (view.state, view.kind, view.since) == (
        AccountState.UNDER_REVIEW,
        ReviewKind.RISK,
        cases.FEEDBACK_DAY,
    )
    assert not view.capabilities.can_sell
    assert not view.capabilities.can_receive_disbursements
    assert view.capabilities.can_log_in
    assert view.last_transition is not None
    assert view.last_transition.evidence["breaches"][0]["order_ids"] == ["bad-1"]
    assert view.deadlines is None
    # The snapshot of 2026-04-25 says NORMAL; a risk review is AT_RISK in Amazon's terms.
    assert view.amazon_statuses == {"ATVPDKIKX0DER": "NORMAL"}
    assert view.amazon_snapshot_date == date(2026, 4, 25)
    assert (view.amazon_equivalent, view.differs) == ("AT_RISK", True)
    document = view.to_dict()
    assert document["amazon"]["differs"] is True
    assert document["lastTransition"]["evidence"]["breaches"][0]["order_ids"] == ["bad-1"]
    # Before the breach: HEALTHY, which is Amazon's NORMAL (the snapshot is not known yet).
    before = account_status(breach, cases.ACCOUNT, date(2026, 4, 19))
    assert (before.state, before.last_transition, before.amazon_statuses) == (
        AccountState.HEALTHY,
        None,
        {},
    )
    assert breach.transitions(cases.ACCOUNT) == []  # the shorter replay replaced the history


def test_replays_are_idempotent(breach):
    first = timeline(breach, cases.ACCOUNT, date(2026, 6, 1))
    again = timeline(breach, cases.ACCOUNT, date(2026, 6, 1))
    assert first == again == breach.transitions(cases.ACCOUNT)


def test_no_orders_is_an_input_error_that_says_what_to_do(tmp_path):
    with (
        Store.open(tmp_path / "empty.db") as store,
        pytest.raises(InputError, match="import its orders first"),
    ):
        account_status(store, "nobody", date(2026, 5, 1))
    with cases.store_with(tmp_path / "s.db", cases.write_breach_case(tmp_path / "in")) as store:
        assert first_order_day(store, cases.ACCOUNT, date(2026, 5, 1)) == cases.FIRST
        with pytest.raises(InputError, match="no order on or before 2026-02-01"):
            timeline(store, cases.ACCOUNT, date(2026, 2, 1))


# --- Suspension, appeals, deadlines ----------------------------------------------------------


def test_a_critical_violation_suspends_and_the_plan_is_due_17_days_later(suspension):
    view = account_status(suspension, cases.ACCOUNT, date(2026, 4, 10))
    assert (view.state, view.since) == (AccountState.SUSPENDED, cases.SUSPENDED_ON)
    assert view.last_transition is not None
    assert view.last_transition.rule == "ahr_unhealthy"
    assert view.last_transition.evidence["violation_ids"] == ["V-1"]
    assert view.capabilities.can_appeal and not view.capabilities.can_sell
    d = view.deadlines
    assert d is not None
    assert d["plan_due"] == date(2026, 4, 18)
    assert d["days_left"] == 8
    assert d["appeals_remaining"] == 2
    assert view.to_dict()["deadlines"]["plan_due"] == "2026-04-18"


def test_no_plan_by_the_due_day_deactivates_the_next_day(suspension):
    assert account_status(suspension, cases.ACCOUNT, date(2026, 4, 18)).state == (
        AccountState.SUSPENDED
    )
    view = account_status(suspension, cases.ACCOUNT, date(2026, 4, 19))
    assert (view.state, view.since) == (AccountState.DEACTIVATED, date(2026, 4, 19))
    assert view.last_transition is not None
    assert view.last_transition.rule == "plan_overdue"
    assert not any(dataclasses.asdict(view.capabilities).values())


def _appeal(appeal_id: str, opened: date, submitted: date, decided: date, outcome: str) -> Appeal:
    return Appeal(
        appeal_id,
        cases.ACCOUNT,
        opened,
        root_cause="a supplier sent unsafe stock",
        actions_taken="removed the listing and refunded buyers",
        prevention="safety certificates checked before listing",
        submitted_on=submitted,
        decided_on=decided,
        outcome=AppealOutcome(outcome),
    )


def test_a_granted_appeal_reinstates_the_account(suspension):
    suspension.save_appeal(
        _appeal("ap-1", date(2026, 4, 2), date(2026, 4, 10), date(2026, 4, 15), "granted")
    )
    found = timeline(suspension, cases.ACCOUNT, date(2026, 5, 1))
    assert [(t.day, t.rule, t.to_state) for t in found] == [
        (cases.SUSPENDED_ON, "ahr_unhealthy", AccountState.SUSPENDED),
        (date(2026, 4, 15), "appeal_granted", AccountState.HEALTHY),
    ]
    assert found[1].evidence["appeal_ids"] == ["ap-1"]


def test_two_denied_appeals_deactivate(suspension):
    suspension.save_appeal(
        _appeal("ap-1", date(2026, 4, 2), date(2026, 4, 5), date(2026, 4, 8), "denied")
    )
    view = account_status(suspension, cases.ACCOUNT, date(2026, 4, 9))
    assert view.state is AccountState.SUSPENDED
    assert view.deadlines is not None
    assert (view.deadlines["appeals_remaining"], view.deadlines["plan_on_time"]) == (1, True)
    suspension.save_appeal(
        _appeal("ap-2", date(2026, 4, 9), date(2026, 4, 10), date(2026, 4, 12), "denied")
    )
    found = timeline(suspension, cases.ACCOUNT, date(2026, 5, 1))
    assert [t.rule for t in found] == ["ahr_unhealthy", "appeal_denied", "appeals_exhausted"]
    assert found[-1].day == date(2026, 4, 12)


# --- The engine replay equals the plain rules, and is fast -----------------------------------


def test_engine_replay_equals_a_plain_replay_on_the_demo_data(demo):
    store, as_of = demo
    account = "demo-seller"
    replay = replay_states(store, account, as_of)
    _, policy = policy_for(store, account, None)
    records = {
        name: store.records(cls, account)
        for name, cls in (
            ("orders", r.Order),
            ("feedback", r.Feedback),
            ("claims", r.Claim),
            ("chargebacks", r.Chargeback),
            ("shipments", r.Shipment),
            ("cancellations", r.Cancellation),
            ("violations", r.Violation),
        )
    }
    days = [replay.first + timedelta(days=k) for k in range((as_of - replay.first).days + 1)]
    # The demo's feedback comes from Amazon's report (1-3 stars only): no share is judged.
    plain = [
        dataclasses.replace(facts_for_day(day, policy, **records), feedback=None) for day in days
    ]
    final, transitions = advance(plain, policy)
    assert transitions == replay.transitions
    assert [t.evidence for t in transitions] == [t.evidence for t in replay.transitions]
    assert final == replay.final
    assert replay.transitions, "the demo has a state history"


def test_the_demo_replay_is_fast(demo):
    store, as_of = demo
    started = time.perf_counter()
    view = account_status(store, "demo-seller", as_of)
    assert time.perf_counter() - started < 2.0
    assert view.history == store.transitions("demo-seller")


def test_days_once_projected_are_stepped_again_when_the_data_reaches_them(tmp_path):
    """The suspension case with its orders up to 04-05 only: asked on 04-30, the days after
    04-05 are a projection, so the missed Plan of Action (due 04-18) does not deactivate.
    Orders of 04-27 on then arrive: 04-06..04-26 are no longer projected (the import changed
    nothing before 04-27, and the kept replay has a checkpoint on 04-25, yet it must step them
    again), and the account is deactivated on 04-19, as in a store that had all the orders
    from the start."""
    folder = tmp_path / "in"
    orders, violations = cases.write_suspension_case(folder)
    lines = orders.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    early = [row for row in rows if row.split(",")[1] <= "2026-04-05"]
    late = [row for row in rows if row.split(",")[1] >= "2026-04-27"]
    (folder / "early.csv").write_text("\n".join([header, *early]) + "\n")
    (folder / "late.csv").write_text("\n".join([header, *late]) + "\n")
    asked = date(2026, 4, 30)
    with cases.store_with(tmp_path / "s.db", [folder / "early.csv", violations]) as store:
        before = account_status(store, cases.ACCOUNT, asked, save=False)
        assert before.state is AccountState.SUSPENDED  # a projection: no deadline taken as missed
        import_files(store, [folder / "late.csv"], ReadOptions(account=cases.ACCOUNT))
        after = account_status(store, cases.ACCOUNT, asked, save=False)
        kept = timeline(store, cases.ACCOUNT, asked)
    whole = [folder / "early.csv", folder / "late.csv", violations]
    with cases.store_with(tmp_path / "whole.db", whole) as fresh:
        expected = account_status(fresh, cases.ACCOUNT, asked, save=False)
        assert timeline(fresh, cases.ACCOUNT, asked) == kept
    assert (after.state, after.since) == (expected.state, expected.since)
    assert (after.state, after.since) == (AccountState.DEACTIVATED, date(2026, 4, 19))
