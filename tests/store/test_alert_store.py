"""Alerts in the store (migration 3), against SQLite and PostgreSQL: each cause stored once,
delivered per channel, pending until every channel has it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sellerhealth.domain.alerts import Alert, make_cause_key
from sellerhealth.store.migrations import MIGRATIONS, current_version
from sellerhealth.store.store import Store

AT = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def alert(order: str, account: str = "acme", severity: str = "warning") -> Alert:
    return Alert(
        account=account,
        rule="new_negative_feedback",
        cause_key=make_cause_key(account, "new_negative_feedback", order, date(2026, 11, 19)),
        severity=severity,
        title=f"New 1-star feedback on order {order}",
        body='"Arrived broken."',
        evidence={"order_id": order, "rating": 1, "nested": {"days": [1, 2]}},
        created_on=date(2026, 11, 20),
    )


def test_the_alerts_table_comes_with_migration_3(target):
    with Store.open(target) as store:
        assert [m.version for m in MIGRATIONS][:3] == [1, 2, 3]
        assert current_version(store.backend) >= 3
        assert store.backend.table_exists("alerts")


def test_a_cause_is_stored_once_and_reads_back_with_its_evidence(target):
    with Store.open(target) as store:
        first = store.save_alerts([alert("o1"), alert("o2"), alert("o1", severity="critical")])
        again = store.save_alerts([alert("o2"), alert("o3")])

        assert [a.evidence["order_id"] for a in first] == ["o1", "o2"]
        assert [a.severity for a in first] == ["warning", "warning"]  # the first one wins
        assert [a.evidence["order_id"] for a in again] == ["o3"]
        assert store.known_cause_keys() == {alert(o).cause_key for o in ("o1", "o2", "o3")}
        assert store.known_cause_keys("someone-else") == set()
        stored = store.stored_alert(alert("o1").cause_key)
        assert stored is not None
        assert stored.alert == alert("o1")
        assert stored.alert.evidence == {"order_id": "o1", "rating": 1, "nested": {"days": [1, 2]}}
        assert (stored.channels_delivered, stored.sent_at) == ({}, None)


def test_an_alert_stays_pending_until_every_channel_has_it(target):
    with Store.open(target) as store:
        store.save_alerts([alert("o1"), alert("o2")])
        key = alert("o1").cause_key

        complete = store.mark_sent(key, "mail", AT, ["mail", "hook"])

        assert not complete
        pending = {p.alert.cause_key: p for p in store.pending_alerts()}
        assert set(pending) == {key, alert("o2").cause_key}
        assert pending[key].delivered_to("mail")
        assert not pending[key].delivered_to("hook")

        assert store.mark_sent(key, "hook", AT, ["mail", "hook"])
        assert [p.alert.cause_key for p in store.pending_alerts()] == [alert("o2").cause_key]
        stored = store.stored_alert(key)
        assert stored.sent_at == AT
        assert stored.channels_delivered == {"mail": AT.isoformat(), "hook": AT.isoformat()}


def test_marking_twice_keeps_the_first_delivery_time(target):
    later = AT.replace(hour=9)
    with Store.open(target) as store:
        store.save_alerts([alert("o1")])
        key = alert("o1").cause_key
        store.mark_sent(key, "mail", AT, ["mail", "hook"])
        store.mark_sent(key, "mail", later, ["mail", "hook"])

        assert store.stored_alert(key).channels_delivered == {"mail": AT.isoformat()}


def test_marking_an_unknown_alert_is_a_fault(target):
    with Store.open(target) as store, pytest.raises(KeyError):
        store.mark_sent("acme|nothing", "mail", AT, ["mail"])
