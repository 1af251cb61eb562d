"""The columnar engine equals the plain rules on random data, for every day of a range."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests import odr_cases

from sellerhealth.domain import records as r

START = date(2026, 1, 1)
FIRST_DAY, LAST_DAY = date(2026, 3, 20), date(2026, 4, 5)

days = st.integers(0, 100).map(lambda n: START + timedelta(days=n))
maybe_day = st.none() | days
order_ids = st.sampled_from([f"o{i}" for i in range(25)])


def orders_strategy():
    return st.lists(
        st.builds(
            r.Order,
            st.just("a"),
            order_ids,
            days,
            st.sampled_from(list(r.Channel)),
            order_status=st.sampled_from([None, "Shipped", "Cancelled"]),
        ),
        max_size=25,
        unique_by=lambda o: o.order_id,
    )


feedback_strategy = st.lists(
    st.builds(
        r.Feedback,
        st.just("a"),
        order_ids,
        days,
        st.integers(1, 5),
        removed_date=maybe_day,
        struck_through_date=maybe_day,
    ),
    max_size=10,
    unique_by=lambda f: f.order_id,
)


@st.composite
def claims_strategy(draw):
    out = []
    for key in draw(st.lists(st.tuples(order_ids, days), max_size=8, unique=True)):
        changes = draw(
            st.lists(
                st.tuples(st.integers(0, 40), st.sampled_from([s.value for s in r.ClaimStatus])),
                max_size=3,
                unique_by=lambda c: c[0],
            )
        )
        history = tuple(
            sorted(
                (r.StatusChange(s, key[1] + timedelta(days=n)) for n, s in changes),
                key=lambda c: c.effective_date,
            )
        )
        protected = draw(st.booleans())
        reason = draw(st.sampled_from([None, "item not received", "not as described"]))
        status = r.ClaimStatus(history[-1].status) if history else r.ClaimStatus.PENDING
        out.append(
            r.Claim(
                "a",
                key[0],
                key[1],
                status,
                reason=reason,
                buy_shipping_protected=protected,
                history=history or (r.StatusChange("pending", key[1]),),
            )
        )
    return out


@st.composite
def chargebacks_strategy(draw):
    out = []
    for key in draw(st.lists(st.tuples(order_ids, days), max_size=6, unique=True)):
        reason = draw(st.sampled_from(list(r.ChargebackReason)))
        status = draw(st.sampled_from(list(r.ChargebackStatus)))
        status_day = key[1] + timedelta(days=draw(st.integers(0, 30)))
        out.append(r.Chargeback("a", key[0], key[1], reason, status, status_day))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    orders_strategy(),
    feedback_strategy,
    claims_strategy(),
    chargebacks_strategy(),
    st.booleans(),
    st.booleans(),
)
def test_engine_equals_plain_rules_every_day(
    orders, feedback, claims, chargebacks, business, count_cancelled
):
    records = [*orders, *feedback, *claims, *chargebacks]
    # Cancelled orders in the ODR denominator or not: the policy switch (issue 14).
    policy = replace(_policy(), odr=replace(_policy().odr, count_cancelled_orders=count_cancelled))
    from_engine = odr_cases.engine_range(records, FIRST_DAY, LAST_DAY, policy, business)
    for offset in range((LAST_DAY - FIRST_DAY).days + 1):
        day = FIRST_DAY + timedelta(days=offset)
        assert from_engine[day] == odr_cases.plain(records, day, policy, business), day


def _policy():
    from sellerhealth.policy_files import load_policy

    return load_policy()


def test_defects_starting_the_same_day_count_the_order_once():
    """Regression: a feedback and a claim from the same day on one order are one defective
    order. With tied start days the window passes could order the two rows differently and
    split the order into two islands; enough orders made DuckDB do it."""
    day = date(2026, 2, 1)
    records: list = []
    for i in range(3000):
        oid = f"t{i}"
        records += [
            r.Order("a", oid, day, r.Channel.AFN),
            r.Feedback("a", oid, day + timedelta(days=20), 1),
            r.Claim("a", oid, day + timedelta(days=20), r.ClaimStatus.GRANTED),
        ]
    as_of = day + timedelta(days=30)
    got = odr_cases.engine(records, as_of, _policy())[r.Channel.AFN]
    assert (got.order_count, got.defective_orders, got.negative_feedback, got.claims) == (
        3000,
        3000,
        3000,
        3000,
    )
