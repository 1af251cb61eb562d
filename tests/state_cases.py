"""Hand-made seller files for the state, appeal, forecast and what-if tests, and the demo store.

BREACH: one self-fulfilled (MFN) order a day from 2026-03-01 to 2026-04-30 (`c-MMDD`, SKU-A),
plus `bad-1` (SKU-B) on 2026-03-01 whose buyer leaves 1 star on 2026-04-20. The ODR window as
of D is [D-73, D-14]:
- 2026-04-19: [02-05, 04-05] holds bad-1 and 36 clean orders, no defect yet: 0/37, GOOD;
- 2026-04-20: [02-06, 04-06] holds bad-1 and 37 clean orders, bad-1's feedback counts: 1/38,
  BAD (2.63% is not below 1%) -> UNDER_REVIEW (risk), rule odr_breach, evidence order bad-1;
- 2026-05-13: [03-01, 04-29]: 1/61, still BAD (the window never holds more than 61 orders,
  so one defect keeps it at 1.6% or more);
- 2026-05-14: [03-02, 04-30]: bad-1 (purchased 03-01) has left the window, 0/60: GOOD ->
  HEALTHY, rule risk_cleared, 24 days after the review began (a risk review lasts 30 at most).

SUSPENSION: orders as above without the feedback, plus one critical violation on 2026-04-01
(the AHR drops to 0, UNHEALTHY -> SUSPENDED, rule ahr_unhealthy), resolved on 2026-04-14. A
Plan of Action is due by 2026-04-01 + 17 = 2026-04-18; without one the account is
DEACTIVATED on 2026-04-19.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sellerhealth.domain.records import AccountSettings
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service.imports import import_files
from sellerhealth.store.store import Store

FIRST = date(2026, 3, 1)
LAST = date(2026, 4, 30)
FEEDBACK_DAY = date(2026, 4, 20)
AGES_OUT = date(2026, 5, 14)  # bad-1 purchased 03-01 + 14 + 60
SUSPENDED_ON = date(2026, 4, 1)
ACCOUNT = "shop"


def _orders_csv() -> str:
    lines = ["order_id,purchase_date,fulfillment_channel,skus", f"bad-1,{FIRST},MFN,SKU-B"]
    day = FIRST
    while day <= LAST:
        lines.append(f"c-{day:%m%d},{day},MFN,SKU-A")
        day += timedelta(days=1)
    return "\n".join(lines) + "\n"


def write_breach_case(folder: Path, snapshot_status: str | None = "NORMAL") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    orders = folder / "orders.csv"
    orders.write_text(_orders_csv())
    feedback = folder / "feedback.csv"
    feedback.write_text(f"order_id,feedback_date,rating\nbad-1,{FEEDBACK_DAY},1\n")
    paths = [orders, feedback]
    if snapshot_status is not None:
        performance = folder / "performance.json"
        performance.write_text(
            json.dumps(
                {
                    "accountStatuses": [
                        {"marketplaceId": "ATVPDKIKX0DER", "status": snapshot_status}
                    ],
                    "performanceMetrics": [
                        {
                            "marketplaceId": "ATVPDKIKX0DER",
                            "orderDefectRate": {
                                "mfn": {
                                    "reportingDateRange": {
                                        "reportingDateFrom": "2026-02-06T00:00:00Z",
                                        "reportingDateTo": "2026-04-25T23:59:59Z",
                                    }
                                }
                            },
                        }
                    ],
                }
            )
        )
        paths.append(performance)
    return paths


def write_suspension_case(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    orders = folder / "orders.csv"
    orders.write_text(_orders_csv())
    violations = folder / "violations.csv"
    violations.write_text(
        "violation_id,date,category,severity,status,status_date\n"
        "V-1,2026-04-01,otherPolicyViolations,critical,resolved,2026-04-14\n"
    )
    return [orders, violations]


def store_with(path: Path, files: list[Path], account: str = ACCOUNT) -> Store:
    store = Store.open(path)
    store.set_account(AccountSettings(account))
    import_files(store, files, ReadOptions(account=account))
    return store


def demo_store(folder: Path) -> tuple[Path, date]:
    """The bundled demo seller in a store file under `folder`: (db, as-of day)."""
    from tests.demo_store import DEMO_AS_OF, demo_db

    return demo_db(folder), DEMO_AS_OF
