"""The emulator answers in the shapes of Amazon's published models (their definitions are
copied in tests/data/spapi), and the model's own sandbox example goes through the importer."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import httpx
import jsonschema
from tests.sync.conftest import Rig

from sellerhealth.connectors.spapi_models import FEEDBACK_REPORT, PERFORMANCE_REPORT
from sellerhealth.domain import records as r
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service import imports
from sellerhealth.store import tables as t
from sellerhealth.store.store import Store

DATA = Path(__file__).parents[1] / "data" / "spapi"
DEFINITIONS = json.loads((DATA / "definitions.json").read_text())["definitions"]


def conforms(document: object, definition: str) -> None:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": DEFINITIONS}
    jsonschema.validate(document, schema)


def test_every_answer_has_its_model_shape(rig: Rig) -> None:
    e = rig.emulator
    e.set_day(datetime(2026, 11, 20).date())
    conforms(e.participations(), "GetMarketplaceParticipationsResponse")
    page = e.get_orders({"LastUpdatedAfter": "2026-11-01T00:00:00Z"})
    conforms(page, "GetOrdersResponse")
    assert len(page["payload"]["Orders"]) == 100 and page["payload"]["NextToken"]
    conforms(e.get_orders({"NextToken": page["payload"]["NextToken"]}), "GetOrdersResponse")
    for kind in (FEEDBACK_REPORT, PERFORMANCE_REPORT):
        created = e.create_report(
            {
                "reportType": kind,
                "dataStartTime": "2026-08-23T00:00:00Z",
                "dataEndTime": "2026-11-20T23:59:59Z",
            }
        )
        conforms(created, "CreateReportResponse")
        states = []
        while not states or states[-1]["processingStatus"] != "DONE":
            states.append(e.get_report(created["reportId"]))
            conforms(states[-1], "Report")
        assert [s["processingStatus"] for s in states] == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
        document = e.report_document(states[-1]["reportDocumentId"], rig.server.url)
        conforms(document, "ReportDocument")
    events = e.financial_events({"PostedAfter": "2026-05-01T00:00:00Z"})
    conforms(events, "ListFinancialEventsResponse")
    lists = events["payload"]["FinancialEvents"]
    # claims.csv: 4 claims debited (granted or refunded, not protected); 8 chargebacks.
    assert (len(lists["GuaranteeClaimEventList"]), len(lists["ChargebackEventList"])) == (4, 8)


def test_errors_have_the_model_shape_and_state_the_rate(rig: Rig) -> None:
    rig.emulator.faults.add("getOrders", "throttle")
    token = rig.emulator.token(
        {
            "grant_type": "refresh_token",
            "client_id": rig.credentials.client_id,
            "client_secret": rig.credentials.client_secret,
            "refresh_token": rig.credentials.refresh_token,
        }
    )
    headers = {"x-amz-access-token": token["access_token"]}
    url = f"{rig.server.url}/orders/v0/orders?LastUpdatedAfter=2026-11-01T00:00:00Z"
    throttled = httpx.get(url, headers=headers)
    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "334"  # 0.0167/s x 20000
    conforms(throttled.json()["errors"], "ErrorList")
    refused = httpx.get(url, headers={"x-amz-access-token": "Atza|not-issued"})
    assert refused.status_code == 403
    conforms(refused.json()["errors"], "ErrorList")


def test_the_models_sandbox_example_imports_without_its_personal_data(tmp_path: Path) -> None:
    example = json.loads((DATA / "getOrders-example.json").read_text())["response"]
    path = tmp_path / "example.json"
    path.write_text(json.dumps(example))
    with Store.open(tmp_path / "store.db") as store:
        [outcome] = imports.import_files(store, [path], ReadOptions("acme"))
        assert outcome.kind == "amazon-orders-api"
        [order] = store.records(r.Order, "acme")
        cells = [str(v) for row in store.rows(t.ORDERS, "acme") for v in row.values()]
    assert (order.order_id, order.fulfillment_channel, order.latest_ship_date.isoformat()) == (
        "902-3159896-1390916",
        r.Channel.MFN,
        "2017-01-25",
    )
    for personal in ("user@example.com", "John Doe", "1 Cross St.", "48817"):
        assert not any(personal in cell for cell in cells)
