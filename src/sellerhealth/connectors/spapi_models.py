"""The few facts of Amazon's published SP-API models that the sync and the emulator need.

Copied from Amazon's Swagger models (amzn/selling-partner-api-models): each operation's
usage plan (requests per second, burst) from its description, and the report types.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UsagePlan:
    rate: float  # requests per second the bucket refills at
    burst: int  # requests that may be made at once


USAGE_PLANS: dict[str, UsagePlan] = {
    "getOrders": UsagePlan(0.0167, 20),  # ordersV0.json
    "createReport": UsagePlan(0.0167, 15),  # reports_2021-06-30.json
    "getReport": UsagePlan(2.0, 15),
    "getReportDocument": UsagePlan(0.0167, 15),
    "listFinancialEvents": UsagePlan(0.5, 30),  # financesV0.json
    "getMarketplaceParticipations": UsagePlan(0.016, 15),  # sellers.json
}

FEEDBACK_REPORT = "GET_SELLER_FEEDBACK_DATA"
PERFORMANCE_REPORT = "GET_V2_SELLER_PERFORMANCE_REPORT"
# Report processingStatus values (reports_2021-06-30.json, definitions.Report).
IN_QUEUE, IN_PROGRESS, DONE, CANCELLED, FATAL = (
    "IN_QUEUE",
    "IN_PROGRESS",
    "DONE",
    "CANCELLED",
    "FATAL",
)
# Region -> the client's Marketplaces member whose endpoint serves it.
REGION_MARKETPLACE = {"na": "US", "eu": "DE", "fe": "JP"}
