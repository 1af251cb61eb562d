"""The dashboard's forms, signed in: an analyst uploads files (a refused one shows every
problem, nothing imported; a good one changes the figure and its chart), a viewer has no
upload form and cannot post one; a feedback comment `<script>` renders as text."""

from __future__ import annotations

import json
import re

import pytest

from sellerhealth.web import create_app

from .conftest import DEMO_ACCOUNT, PASSWORD, TestClient, build_tenants

PAGE = f"/accounts/{DEMO_ACCOUNT}"
AS_OF = {"as_of": "2026-11-20"}
NEW_ORDERS = b"order_id,purchase_date,fulfillment_channel\nf-1,2026-10-01,MFN\nf-2,2026-10-02,MFN\n"
BAD_ORDERS = b"order_id,purchase_date,fulfillment_channel\nf-3,2026-13-01,MFN\n"
SCRIPT = "<script>alert(1)</script>"
FEEDBACK = f"order_id,feedback_date,rating,comments\nf-1,2026-11-10,1,{SCRIPT}\n".encode()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(str(build_tenants(tmp_path_factory.mktemp("forms"))[0]))


def signed_in(app, username):
    client = TestClient(app)
    form = client.get("/sign-in")
    fields = dict(re.findall(r'name="(csrf|next)" value="([^"]+)"', form.text))
    client.post("/sign-in", data=fields | {"username": username, "password": PASSWORD})
    return client


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def mfn_odr_chart(page) -> dict:
    island = re.search(r'id="chart-data">(.*?)</script>', page.text, re.S).group(1)
    charts = json.loads(island)
    return next(c for c in charts if (c["metric"], c["scope"]) == ("orderDefectRate", "mfn"))


def test_an_analyst_uploads_and_the_figure_and_chart_change(app):
    client = signed_in(app, "north-analyst")
    page = client.get(PAGE, params=AS_OF)
    before = mfn_odr_chart(page)["values"][-1]
    upload = f"{PAGE}/upload"
    refused = client.post(
        upload,
        params=AS_OF,
        data={"csrf": csrf_of(page)},
        files=[("files", ("bad.csv", BAD_ORDERS))],
    )
    assert refused.status_code == 422 and 'data-testid="upload-problems"' in refused.text
    assert "bad.csv" in refused.text and "purchase_date" in refused.text
    assert mfn_odr_chart(refused)["values"][-1] == before  # nothing imported
    files = [("files", ("orders.csv", NEW_ORDERS)), ("files", ("feedback.csv", FEEDBACK))]
    done = client.post(upload, params=AS_OF, data={"csrf": csrf_of(page)}, files=files)
    assert done.status_code == 200 and "orders.csv: 2 records" in done.text
    # MFN ODR of 2026-11-20: 11 of 1211 orders; two more orders, one with negative feedback
    assert before == round(11 / 1211 * 100, 4)
    assert mfn_odr_chart(done)["values"][-1] == round(12 / 1213 * 100, 4)
    shown = next(  # the comment's page of the triage queue
        page.text
        for n in range(1, 20)
        if "alert(1)" in (page := client.get(PAGE, params={**AS_OF, "triage_page": n})).text
    )
    assert SCRIPT not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    forged = client.post(upload, params=AS_OF, data={"csrf": "x"}, files=files[:1])
    assert forged.status_code == 403


def test_a_viewer_has_no_upload_form_and_cannot_post_one(app):
    client = signed_in(app, "north-viewer")
    page = client.get(PAGE, params=AS_OF)
    assert page.status_code == 200 and 'data-testid="upload-files"' not in page.text
    answer = client.post(
        f"{PAGE}/upload", data={"csrf": csrf_of(page)}, files=[("files", ("o.csv", NEW_ORDERS))]
    )
    assert answer.status_code == 403
