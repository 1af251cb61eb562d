"""The sample generator: its parts, run in order on one seeded random source."""

from __future__ import annotations

from sellerhealth.sample.defects import Defects
from sellerhealth.sample.messages import MessagesAndViolations
from sellerhealth.sample.orders import OrdersAndShipping


class Generator(OrdersAndShipping, Defects, MessagesAndViolations):
    """Six months of one seller: orders and fulfilment first, then the defects placed on those
    orders, then buyer messages and policy violations. The order of the steps is the order of
    the random draws, so it fixes the sample's bytes."""

    def run(self) -> None:
        self.make_orders()
        self.fulfil()
        self.place_defects()
        self.make_messages()
        self.make_violations()
