from datetime import date

import pytest

from sellerhealth.domain.alerts import Alert, dedupe, digest, make_cause_key

DAY = date(2026, 3, 1)


def alert(account: str = "acme", rule: str = "odr", *parts: object, severity: str = "warning"):
    return Alert(
        account=account,
        rule=rule,
        cause_key=make_cause_key(account, rule, *parts),
        severity=severity,
        title=f"{rule} on {account}",
        body="details",
        evidence={"rate": 0.012},
        created_on=DAY,
    )


def test_cause_key_is_stable_and_names_the_account():
    # Same breach on the same window, found on two different days: one cause.
    assert make_cause_key("acme", "odr", "MFN", date(2026, 1, 1)) == "acme|odr|MFN|2026-01-01"
    assert make_cause_key("acme", "odr") != make_cause_key("globex", "odr")


def test_dedupe_drops_causes_already_sent():
    sent = {make_cause_key("acme", "odr", "MFN")}
    fresh = [alert("acme", "odr", "MFN"), alert("acme", "lsr", "MFN")]

    assert [a.rule for a in dedupe(fresh, sent)] == ["lsr"]


def test_dedupe_sends_the_same_cause_once_within_a_batch_first_wins():
    first = alert("acme", "odr", "MFN", severity="warning")
    again = alert("acme", "odr", "MFN", severity="critical")
    other_account = alert("globex", "odr", "MFN")

    assert dedupe([first, again, other_account], []) == [first, other_account]


def test_dedupe_keeps_the_order_given_and_accepts_any_iterable():
    alerts = [alert("acme", rule) for rule in ("vtr", "odr", "lsr")]
    assert dedupe(iter(alerts), iter(())) == alerts


def test_alerts_with_evidence_are_hashable_values():
    assert len({alert(), alert()}) == 1


def test_digest_summarises_the_day_most_severe_first_and_lists_its_causes():
    alerts = [
        alert("acme", "lsr", severity="info"),
        alert("acme", "odr", severity="critical"),
        alert("acme", "vtr", severity="warning"),
    ]

    summary = digest(alerts, DAY)

    assert summary.account == "acme"
    assert summary.rule == "digest"
    assert summary.severity == "critical"
    assert summary.created_on == DAY
    assert summary.title == "Daily digest 2026-03-01: 3 alerts for acme"
    assert summary.body.splitlines() == [
        "- [critical] acme: odr on acme",
        "- [warning] acme: vtr on acme",
        "- [info] acme: lsr on acme",
    ]
    # Once the digest is delivered, these causes count as sent.
    assert summary.evidence["cause_keys"] == ["acme|odr", "acme|vtr", "acme|lsr"]
    assert summary.evidence["count"] == 3


def test_a_days_digest_is_itself_sent_once():
    first = digest([alert("acme", "odr")], DAY)
    later_same_day = digest([alert("acme", "odr"), alert("acme", "lsr")], DAY)
    next_day = digest([alert("acme", "odr")], date(2026, 3, 2))

    assert first.cause_key == later_same_day.cause_key
    assert dedupe([later_same_day], {first.cause_key}) == []
    assert next_day.cause_key != first.cause_key
    assert first.title == "Daily digest 2026-03-01: 1 alert for acme"


def test_digest_over_several_accounts():
    summary = digest([alert("globex", "odr"), alert("acme", "odr")], DAY)

    assert summary.account == "*"
    assert summary.evidence["accounts"] == ["acme", "globex"]
    assert "2 accounts" in summary.title


def test_unknown_severity_ranks_lowest():
    summary = digest([alert(severity="notice"), alert("acme", "lsr", severity="info")], DAY)
    assert summary.severity == "info"


def test_digest_of_nothing_is_a_caller_error():
    with pytest.raises(ValueError, match="at least one alert"):
        digest([], DAY)
