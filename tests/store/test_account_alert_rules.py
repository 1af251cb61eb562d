"""Alert rules kept on an account, on both stores: kept by name (a second put replaces the
first), listed by name, each account's apart, and removed."""

from __future__ import annotations

from datetime import UTC, datetime

from sellerhealth.store import account_alert_rules as kept
from sellerhealth.store.store import Store

AT = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_rules_are_kept_by_account_and_name(target):
    near = {"type": "headroom", "name": "near", "at_most": 2, "metrics": ["orderDefectRate"]}
    status = {"type": "amazon_status", "name": "amazon"}
    with Store.open(target) as store:
        db = store.backend
        kept.save_rule(db, "north", near, "ann", AT)
        kept.save_rule(db, "north", status, "ann", AT)
        kept.save_rule(db, "north", {**near, "at_most": 1}, "bob", AT)
        kept.save_rule(db, "south", status, "cat", AT)
        assert kept.rule_tables(db, "north") == [status, {**near, "at_most": 1}]
        assert kept.remove_rule(db, "north", "amazon") and not kept.remove_rule(db, "north", "x")
        assert kept.rule_tables(db, "north") == [{**near, "at_most": 1}]
        assert kept.rule_tables(db, "south") == [status]
