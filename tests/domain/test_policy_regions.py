"""Regional policies: written as differences from a base, never copied silently (issue 14)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from sellerhealth.domain.marketplaces import MARKETPLACES, policy_for_account
from sellerhealth.domain.policy_inherit import inherit
from sellerhealth.domain.records import AccountSettings, Channel, Order
from sellerhealth.errors import PolicyError
from sellerhealth.policy_files import load_policy, policy_path
from sellerhealth.store.record_writes import ImportSource
from sellerhealth.store.store import Store

US, UK, JP, CA = "ATVPDKIKX0DER", "A1F83G8C2ARO7P", "A1VC38T7YXB528", "A2EUQ1WTGCTBG2"
REGIONAL = ("amazon-global-2026", "amazon-eu-2026", "amazon-jp-2026")


def raw(name: str) -> dict:
    return tomllib.loads(policy_path(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", REGIONAL)
def test_every_regional_file_loads_and_names_a_page_for_every_difference(name):
    policy = load_policy(name)
    assert policy.meta.name == name
    table = raw(name)
    assert table["meta"]["inherits"] in ("amazon-us-2026", "amazon-global-2026")
    # Everything the file writes, difference or sameness, says where Amazon says it.
    for section, entries in table.items():
        if section in ("meta", "decisions"):
            continue
        for key, entry in entries.items():
            assert entry.get("source"), f"{section}.{key}"
            assert entry.get("url", "").startswith("https://"), f"{section}.{key}"


def test_outside_the_us_the_otdr_is_the_30_day_order_rate_recommended_at_97():
    us, outside = load_policy("amazon-us-2026"), load_policy("amazon-global-2026")
    assert (us.on_time_delivery.window_days, us.on_time_delivery.target) == (14, 0.90)
    assert (outside.on_time_delivery.window_days, outside.on_time_delivery.lag_days) == (30, 10)
    assert outside.on_time_delivery.target == 0.97
    assert outside.sources["on_time_delivery.target"] == "2.4 (a)"


@pytest.mark.parametrize("name", ("amazon-eu-2026", "amazon-jp-2026"))
def test_eu_and_jp_keep_what_they_declare_the_same(name):
    policy, us = load_policy(name), load_policy("amazon-us-2026")
    assert policy.odr == us.odr
    assert policy.late_shipment == us.late_shipment
    assert policy.cancellation == us.cancellation
    assert policy.valid_tracking == us.valid_tracking
    assert policy.states == us.states


def test_the_eu_file_records_the_invoice_defect_rate_it_cannot_compute():
    assert "Not computed" in raw("amazon-eu-2026")["decisions"]["invoice_defect_rate"]


BASE = {
    "meta": {"name": "base", "version": "1", "marketplace": "X", "description": "d"},
    "odr": {"target": {"value": 0.01, "source": "1.7"}, "lag_days": {"value": 14, "source": "1.6"}},
    "decisions": {"a": "b"},
}


def test_a_setting_inherited_without_a_word_is_an_error():
    child = {"meta": {"inherits": "base"}, "odr": {"target": {"value": 0.02, "source": "x"}}}

    _, problems = inherit(child, BASE, "base")

    assert problems == [
        "odr.lag_days: inherited from base without a word; override it, or say it is the same "
        'under [same."odr.lag_days"] (or [same.odr]) with its source'
    ]


def test_declared_the_same_with_a_source_is_inherited():
    child = {
        "meta": {"inherits": "base", "name": "child"},
        "odr": {"target": {"value": 0.02, "source": "x"}},
        "same": {"odr.lag_days": {"source": "1.6", "url": "https://example.org"}},
    }

    merged, problems = inherit(child, BASE, "base")

    assert problems == []
    assert merged["odr"] == {
        "target": {"value": 0.02, "source": "x"},
        "lag_days": {"value": 14, "source": "1.6"},
    }
    assert merged["meta"]["name"] == "child" and "inherits" not in merged["meta"]
    assert merged["decisions"] == {"a": "b"}


@pytest.mark.parametrize(
    ("same", "problem"),
    [
        ({"odr": {}}, "same.odr: no `source` saying where the rule is the same"),
        ({"odx": {"source": "1"}}, "same.odx: base has no such section or setting"),
        ({"odr.target": {"source": "1"}}, "same.odr.target: both overridden and declared the same"),
    ],
)
def test_bad_same_entries(same, problem):
    child = {
        "meta": {"inherits": "base"},
        "odr": {"target": {"value": 0.02, "source": "x"}},
        "same": {"odr.lag_days": {"source": "1.6"}, **same},
    }

    assert problem in inherit(child, BASE, "base")[1]


def test_a_broken_regional_file_lists_every_problem(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[meta]\ninherits = "amazon-global-2026"\nname = "mine"\n')

    with pytest.raises(PolicyError) as caught:
        load_policy(str(path))

    # One per setting of amazon-global-2026 that the file neither overrides nor declares same.
    problems = caught.value.problems
    assert len(problems) == sum(
        len(t) for s, t in raw("amazon-us-2026").items() if s not in {"decisions", "meta"}
    )
    assert all("inherited from amazon-global-2026 without a word" in p for p in problems)


def test_every_marketplace_has_a_policy_file():
    for m in MARKETPLACES:
        assert load_policy(m.policy).meta.name == m.policy


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ({}, "amazon-us-2026"),
        ({US: 5}, "amazon-us-2026"),
        ({UK: 5, "A1PA6795UKMFR9": 3}, "amazon-eu-2026"),
        ({JP: 2}, "amazon-jp-2026"),
        ({CA: 2}, "amazon-global-2026"),
        ({UK: 2, US: 3}, "amazon-us-2026"),
        ({UK: 3, US: 3}, "amazon-eu-2026"),  # a tie: by name
    ],
)
def test_an_account_takes_the_policy_of_its_marketplace(orders, expected):
    assert policy_for_account(orders) == expected


def test_the_store_resolves_an_unset_policy_from_the_orders(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        assert store.account("uk").policy == "amazon-us-2026"  # nothing known yet
        order = Order("uk", "202-1", date(2026, 3, 1), Channel.MFN, UK)
        store.import_records([order], ImportSource("f", "orders", "uk", "h", 1))
        assert store.account("uk").policy == "amazon-eu-2026"
        store.set_account(AccountSettings("uk", "amazon-us-2026"))
        assert store.account("uk").policy == "amazon-us-2026"  # set: kept
