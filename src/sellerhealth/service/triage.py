"""The feedback triage queue for one account as of a day: what Amazon may remove or strike through,
by when to ask, what a removal is worth in ODR, and the drafts to send.

Which feedback: rated `feedback.neutral_rating` (3) or lower, left on or before D, and neither
removed nor struck through on or before D. Each is classified by `domain.triage.classify`; the
channel is the order's. Deadlines come from the policy file: `request_by` = feedback date +
`feedback.removal_request_days` (60), `act_by` = feedback date + `feedback.act_now_days` (6);
a request is `expired` once D is after `request_by` (the request_by day itself still counts).

Buy Shipping: no shipment record says whether a label was bought with Buy Shipping. The only
evidence stored is an A-to-z claim marked `buy_shipping_protected` (Amazon grants that protection
only to orders shipped on time with Buy Shipping); with such a claim on the order, and no
confirmation after the latest ship date, the order counts as shipped on time with Buy Shipping.
Otherwise it is unknown and taken as not, and the item's reasons say so when it matters.

ODR before and after: for a negative feedback (1-2 stars) still counting on D on an order inside
the current ODR window, the rate of the order's channel (and marketplace) with the feedback and
without it (`compute_odr` both ways); the difference is `odr_impact`. Outside the window, or for
a neutral rating, there is nothing to gain: `odr_before`/`odr_after` are None and the impact 0.

Order of the queue: actionable items first (removable or strike-through eligible, not expired),
then the largest ODR impact, then the earliest `request_by`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.defects import is_negative_feedback
from sellerhealth.domain.messages import (
    MessageTemplates,
    draft_buyer_message,
    draft_removal_request,
)
from sellerhealth.domain.odr import compute_odr, odr_window
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.triage import Classification, TriageRules, Verdict, classify
from sellerhealth.ingest.triage_rules import load_message_templates, load_triage_rules
from sellerhealth.service.metrics import marketplace_health, policy_for
from sellerhealth.store.store import Store

BUY_SHIPPING_UNKNOWN = (
    "Buy Shipping unknown: no stored record shows this order shipped on time with Buy Shipping "
    "(shipments carry no Buy Shipping flag; only a Buy Shipping protected claim does), so it is "
    "taken as not"
)
BUY_SHIPPING_KNOWN = (
    "shipped on time with Buy Shipping: an A-to-z claim on this order is Buy Shipping protected"
)


@dataclass(frozen=True, slots=True)
class TriageItem:
    """One feedback in the queue: verdict and reasons, deadlines, ODR effect, drafts."""

    account: str
    order_id: str
    feedback_date: date
    rating: int
    comment: str
    channel: r.Channel | None
    marketplace_id: str | None
    classification: Classification
    request_by: date
    act_by: date
    expired: bool
    odr_orders: int | None  # the channel's orders in the ODR window; None: order not in it
    odr_defects_before: int | None  # the channel's defective orders, with this feedback
    odr_defects_after: int | None  # ... and without it
    removal_request: str | None
    buyer_message: str

    @property
    def verdict(self) -> Verdict:
        return self.classification.verdict

    @property
    def actionable(self) -> bool:
        """A removal or strike-through may still be requested."""
        return self.verdict is not Verdict.NEITHER and not self.expired

    @property
    def odr_before(self) -> float | None:
        return _rate(self.odr_defects_before, self.odr_orders)

    @property
    def odr_after(self) -> float | None:
        return _rate(self.odr_defects_after, self.odr_orders)

    @property
    def odr_impact(self) -> float:
        """How much the channel's ODR falls if the feedback goes (0 when it cannot change it)."""
        if not self.odr_orders or self.odr_defects_before is None or self.odr_defects_after is None:
            return 0.0
        return (self.odr_defects_before - self.odr_defects_after) / self.odr_orders

    def days_left(self, as_of: date) -> int:
        """Days from `as_of` to `request_by` (0 on the last day, negative once expired)."""
        return (self.request_by - as_of).days

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of `sellerhealth triage --format json`."""
        ground = self.classification.ground
        return {
            "order_id": self.order_id,
            "feedback_date": self.feedback_date.isoformat(),
            "rating": self.rating,
            "comment": self.comment,
            "channel": None if self.channel is None else self.channel.value,
            "verdict": self.verdict.value,
            "ground": None if ground is None else ground.value,
            "reasons": list(self.classification.reasons),
            "request_by": self.request_by.isoformat(),
            "act_by": self.act_by.isoformat(),
            "expired": self.expired,
            "odr_before": self.odr_before,
            "odr_after": self.odr_after,
            "odr_impact": self.odr_impact,
            "removal_request": self.removal_request,
            "buyer_message": self.buyer_message,
        }


@lru_cache(maxsize=1)
def _bundled() -> tuple[TriageRules, MessageTemplates]:
    return load_triage_rules(), load_message_templates()


def triage_queue(
    store: Store,
    account: str,
    as_of: date,
    policy: Policy | None = None,
    *,
    rules: TriageRules | None = None,
    templates: MessageTemplates | None = None,
) -> list[TriageItem]:
    """Every negative or neutral feedback still standing on `as_of`, triaged, in queue order."""
    settings, policy = policy_for(store, account, policy)
    feedback = store.records(r.Feedback, account)
    standing = [f for f in feedback if _standing(f, as_of, policy)]
    if not standing:
        return []  # before loading the rules: compiling their lexicons takes seconds
    if rules is None or templates is None:
        bundled_rules, bundled_templates = _bundled()
        rules, templates = rules or bundled_rules, templates or bundled_templates
    # Only the orders a triaged feedback is on, by index: never every order of the account.
    rated = (
        "order_id IN (SELECT order_id FROM feedback WHERE account = ? AND rating <= ? "
        "AND feedback_date <= ?)"
    )
    on_rated = (account, policy.feedback.neutral_rating, as_of.isoformat())
    orders = {o.order_id: o for o in store.records_where(r.Order, account, rated, on_rated)}
    shipments: dict[str, list[r.Shipment]] = defaultdict(list)
    for s in store.records_where(r.Shipment, account, rated, on_rated):
        shipments[s.order_id].append(s)
    protected = {
        c.order_id
        for c in store.records_where(r.Claim, account, rated, on_rated)
        if c.buy_shipping_protected
    }
    odr = _OdrEffect(store, settings, as_of, policy)
    items = []
    for f in standing:
        order = orders.get(f.order_id)
        channel = r.Channel(order.fulfillment_channel) if order else None
        on_time = _buy_shipping_on_time(order, shipments.get(f.order_id, []), protected)
        found = classify(f.comments or "", f.rating, channel, on_time, rules)
        found = _with_buy_shipping_note(found, channel, on_time)
        orders_in, defects_before, defects_after = odr.effect(f, order)
        request_by = f.feedback_date + timedelta(days=policy.feedback.removal_request_days)
        items.append(
            TriageItem(
                account=account,
                order_id=f.order_id,
                feedback_date=f.feedback_date,
                rating=f.rating,
                comment=f.comments or "",
                channel=channel,
                marketplace_id=order.marketplace_id if order else None,
                classification=found,
                request_by=request_by,
                act_by=f.feedback_date + timedelta(days=policy.feedback.act_now_days),
                expired=as_of > request_by,
                odr_orders=orders_in,
                odr_defects_before=defects_before,
                odr_defects_after=defects_after,
                removal_request=_removal_request(f, found, templates),
                buyer_message=draft_buyer_message(
                    f.order_id, f.comments or "", found, templates=templates
                ),
            )
        )
    items.sort(key=queue_order)
    return items


def queue_order(item: TriageItem) -> tuple[Any, ...]:
    """Actionable first, then the largest ODR impact, then the earliest request deadline."""
    return (not item.actionable, -item.odr_impact, item.request_by, item.order_id)


def _standing(f: r.Feedback, as_of: date, policy: Policy) -> bool:
    """Triaged: rated neutral or lower, left by `as_of`, not removed or struck through by then."""
    gone = any(d is not None and d <= as_of for d in (f.removed_date, f.struck_through_date))
    return f.feedback_date <= as_of and f.rating <= policy.feedback.neutral_rating and not gone


def _buy_shipping_on_time(
    order: r.Order | None, shipments: list[r.Shipment], protected: set[str]
) -> bool:
    if order is None or order.order_id not in protected:
        return False
    if order.latest_ship_date is None:
        return True
    return all(s.ship_confirm_date <= order.latest_ship_date for s in shipments)


def _with_buy_shipping_note(
    found: Classification, channel: r.Channel | None, on_time: bool
) -> Classification:
    """Say where the Buy Shipping answer came from, when the verdict turned on it."""
    if channel is not r.Channel.MFN or not any("Buy Shipping" in x for x in found.reasons):
        return found
    note = BUY_SHIPPING_KNOWN if on_time else BUY_SHIPPING_UNKNOWN
    return Classification(found.verdict, found.ground, (*found.reasons, note), found.topics)


def _removal_request(
    f: r.Feedback, found: Classification, templates: MessageTemplates
) -> str | None:
    if found.verdict is Verdict.NEITHER or found.ground is None:
        return None
    return draft_removal_request(
        f.order_id, f.feedback_date, f.comments or "", found, templates=templates
    )


class _OdrEffect:
    """The ODR of an order's channel and marketplace with and without one feedback.

    The window's order counts and defective orders come from the account's metrics (the kept
    counters); the defective orders without a feedback from the plain rule over the window's
    orders that have a defect record (an indexed query): an order outside those is never
    defective with or without the feedback, so the count is the same as over every order."""

    def __init__(
        self, store: Store, settings: r.AccountSettings, as_of: date, policy: Policy
    ) -> None:
        self.window = odr_window(as_of, policy)
        self.health = {
            h.marketplace_id: h for h in marketplace_health(store, settings, as_of, policy)
        }
        self.defects = store.defect_records(settings.account, self.window.first, self.window.last)
        self.as_of, self.policy, self.is_business = as_of, policy, settings.is_business

    def effect(self, f: r.Feedback, order: r.Order | None) -> tuple[int | None, ...]:
        """(orders in the window, defective orders with `f`, without `f`); Nones outside it."""
        if order is None or order.purchase_date not in self.window:
            return None, None, None
        health = self.health.get(order.marketplace_id)
        if health is None:
            return None, None, None
        channel = r.Channel(order.fulfillment_channel)
        before = health.odr[channel]
        after = before.defective_orders
        if is_negative_feedback(f, self.as_of, self.policy):
            orders, feedback, claims, chargebacks = self.defects
            mine = [o for o in orders if o.marketplace_id == order.marketplace_id]
            rest = [x for x in feedback if x.order_id != f.order_id]
            after = compute_odr(
                mine, rest, claims, chargebacks, self.as_of, self.policy, self.is_business
            )[channel].defective_orders
        return before.order_count, before.defective_orders, after


def _rate(defects: int | None, orders: int | None) -> float | None:
    return None if defects is None or not orders else defects / orders
