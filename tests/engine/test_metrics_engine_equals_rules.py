"""Every non-ODR metric: the columnar engine equals the plain rules on random data, every day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerhealth.domain import records as r
from sellerhealth.domain.compliance import account_health_rating, policy_compliance
from sellerhealth.domain.contact import contact_response
from sellerhealth.domain.shipping import (
    cancellation_rate,
    late_shipment,
    on_time_delivery,
    valid_tracking,
)
from sellerhealth.engine.series import health_series
from sellerhealth.engine.session import engine_for
from sellerhealth.policy_files import load_policy
from sellerhealth.store.store import Store

START = date(2026, 1, 1)
FIRST_DAY, LAST_DAY = date(2026, 2, 10), date(2026, 2, 24)
POLICY = load_policy()

day = st.integers(0, 60).map(lambda n: START + timedelta(days=n))
maybe_day = st.none() | day
ids = st.sampled_from([f"o{i}" for i in range(20)])
moment = st.integers(0, 60 * 24).map(
    lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=m)
)

orders = st.lists(
    st.builds(
        r.Order,
        st.just("a"),
        ids,
        day,
        st.sampled_from(list(r.Channel)),
        units=st.integers(1, 3),
        latest_ship_date=maybe_day,
        category=st.sampled_from([None, "toys", "books"]),
        order_status=st.sampled_from([None, "Shipped", "Cancelled", "Canceled"]),
    ),
    max_size=20,
    unique_by=lambda o: o.order_id,
)
shipments = st.lists(
    st.builds(
        r.Shipment,
        st.just("a"),
        ids,
        day,
        tracking_id=st.sampled_from(["t1", "t2"]),
        tracking_valid=st.none() | st.booleans(),
        first_scan_date=maybe_day,
        delivered_date=maybe_day,
        promised_delivery_date=maybe_day,
        units=st.none() | st.integers(1, 3),
    ),
    max_size=20,
    unique_by=lambda s: (s.order_id, s.tracking_id),
)
cancellations = st.lists(
    st.builds(r.Cancellation, st.just("a"), ids, day, st.sampled_from(list(r.CancelInitiator))),
    max_size=8,
    unique_by=lambda c: c.order_id,
)
violations = st.lists(
    st.builds(
        r.Violation,
        st.just("a"),
        st.sampled_from([f"v{i}" for i in range(8)]),
        day,
        st.sampled_from(["listingPolicyViolations", "receivedIntellectualPropertyComplaints", "x"]),
        st.sampled_from(list(r.Severity)),
        status=st.sampled_from(list(r.ViolationStatus)),
        status_date=maybe_day,
    ),
    max_size=6,
    unique_by=lambda v: v.violation_id,
)


@st.composite
def messages(draw):
    out = []
    for i, received in enumerate(draw(st.lists(moment, max_size=10))):
        answer = draw(st.none() | st.integers(0, 60))
        responded = None if answer is None else received + timedelta(hours=answer)
        out.append(r.BuyerMessage("a", f"m{i}", received, responded))
    return out


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders, shipments, cancellations, violations, messages(), st.booleans(), st.booleans())
def test_engine_equals_plain_rules(
    orders, shipments, cancellations, violations, messages, business, count_unknown
):
    # Either way of counting cancellations whose initiator is unknown (issue 14).
    policy = replace(
        POLICY, cancellation=replace(POLICY.cancellation, count_unknown_initiator=count_unknown)
    )
    records = [*orders, *shipments, *cancellations, *violations, *messages]
    accounts = frozenset({"a"}) if business else frozenset()
    with Store.open(":memory:") as store:
        store.import_records(records)
        series = health_series(
            engine_for(store), FIRST_DAY, LAST_DAY, policy, accounts, accounts=["a"]
        )
    for (_, _, as_of), got in series.items():
        p = policy
        assert list(got.late_shipment) == late_shipment(
            orders, shipments, as_of, p, is_business=business
        )
        assert got.cancellation == cancellation_rate(
            orders, cancellations, shipments, as_of, p, is_business=business
        )
        assert list(got.valid_tracking) == valid_tracking(orders, shipments, as_of, p)
        assert got.on_time_delivery == on_time_delivery(orders, shipments, as_of, p)
        assert got.contact_response == contact_response(messages, as_of, p)
        plain = policy_compliance(violations, as_of, p)
        assert {c: v.count for c, v in got.compliance.items() if v.count} == {
            c: v.count for c, v in plain.items() if v.count
        }
        want = account_health_rating(orders, violations, as_of, p)
        ahr = got.ahr
        assert (ahr.score, ahr.band, ahr.order_count, ahr.violation_points, ahr.critical) == (
            want.score,
            want.band,
            want.order_count,
            want.violation_points,
            want.critical,
        ), as_of
