"""An upload over the server's limit is refused with 413 naming the limit, nothing imported:
whether it says its size up front (Content-Length) or comes in chunks, through the API or the
dashboard's form. (That uploads under the limit land is the other upload tests'.)"""

from __future__ import annotations

import httpx

from sellerhealth.web import create_app

from .conftest import DEMO_ACCOUNT, NORTH, TestClient

LIMIT = 1000  # bytes: the test's server, so a small file passes it
ORDERS = "order_id,purchase_date,fulfillment_channel\n" + "".join(
    f"big-{n:04},2026-10-01,MFN\n" for n in range(60)
)  # the header's 43 bytes and 60 rows of 24: 1,483 bytes
AS_OF = {"as_of": "2026-11-20"}  # the 60 orders of 2026-10-01 would be in its ODR window
UPLOADS = f"/api/accounts/{DEMO_ACCOUNT}/uploads"


def test_an_upload_over_the_limit_is_refused_naming_it(tenants):
    assert len(ORDERS.encode()) == 43 + 60 * 24
    headers = {"Authorization": f"Bearer {tenants.tokens[(NORTH, 'analyst')]}"}
    app = create_app(str(tenants.db), max_upload_bytes=LIMIT)
    with TestClient(app) as client:
        before = mfn_orders(client, headers)
        said = client.post(UPLOADS, headers=headers, files=[("files", ("o.csv", ORDERS))])
        assert said.status_code == 413
        assert "limit of 1,000 bytes" in said.json()["error"]
        # the same body in chunks, without Content-Length: refused once its files are read
        encoded = httpx.Request("POST", "http://x", files=[("files", ("o.csv", ORDERS))])
        body = encoded.read()
        chunked = client.post(
            UPLOADS,
            headers={**headers, "Content-Type": encoded.headers["Content-Type"]},
            content=iter([body[:500], body[500:]]),
        )
        assert chunked.status_code == 413 and "1,000 bytes" in chunked.json()["error"]
        form = client.post(f"/accounts/{DEMO_ACCOUNT}/upload", files=[("files", ("o.csv", ORDERS))])
        assert form.status_code == 413 and "limit of 1,000 bytes" in form.text
        assert mfn_orders(client, headers) == before  # nothing imported


def mfn_orders(client, headers) -> int:
    report = client.get(f"/api/accounts/{DEMO_ACCOUNT}/report", headers=headers, params=AS_OF)
    return report.json()["performanceMetrics"][0]["orderDefectRate"]["mfn"]["orderCount"]
