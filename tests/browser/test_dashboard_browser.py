"""The dashboard as a person uses it, in Chromium: sign in through the form, the portfolio and
the account page draw their charts (uPlot canvases) beside their figures, an analyst's upload
of a bad file shows each problem by file, line and column (nothing imported) and a good one
moves the figure and its chart, a viewer has no write form, another tenant's account is not
reachable by URL, and signing out ends the session."""

from __future__ import annotations

import pytest
from tests.demo_store import DEMO_ACCOUNT
from tests.web.conftest import SOUTH_ACCOUNT

from .conftest import sign_in

pytestmark = pytest.mark.xdist_group("browser")  # one server and one browser for the module

AS_OF = "2026-11-20"
PAGE = f"/accounts/{DEMO_ACCOUNT}?as_of={AS_OF}"
ODR_CHART = "figure[data-testid=chart][data-metric=orderDefectRate][data-scope=mfn]"
BAD_ORDERS = b"order_id,purchase_date,fulfillment_channel\nb-1,2026-10-01,MFN\nb-2,2026-13-01,MFN\n"
NEW_ORDERS = b"order_id,purchase_date,fulfillment_channel\nb-3,2026-10-01,MFN\nb-4,2026-10-02,MFN\n"


def csv_file(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": content}


def test_sign_in_then_the_portfolio_and_the_account_draw_their_charts(page, server):
    sign_in(page, server, "north-analyst", f"/?as_of={AS_OF}")
    assert page.inner_text("[data-testid=who]") == "north-analyst · north · analyst"
    assert page.locator(f"[data-testid=account-{DEMO_ACCOUNT}]").count() == 1
    assert page.locator(f"[data-testid=account-{SOUTH_ACCOUNT}]").count() == 0
    # the worst metric's 90-day trend, drawn by uPlot beside its words
    page.wait_for_selector(f"[data-testid=account-{DEMO_ACCOUNT}] figure.spark canvas")
    page.click(f"a:has-text('{DEMO_ACCOUNT}')")
    page.wait_for_url(f"**{PAGE}")
    charts = page.locator("figure[data-testid=chart]")
    assert charts.count() >= 4
    page.wait_for_function(
        "n => document.querySelectorAll('figure[data-testid=chart] canvas').length === n",
        arg=charts.count(),
    )
    # MFN ODR of 2026-11-20: 11 of 1211 orders had a defect; the chart's last day says so
    assert page.get_attribute(ODR_CHART, "data-last") == str(round(11 / 1211 * 100, 4))
    assert "0.91% on 2026-11-20" in page.inner_text(f"{ODR_CHART} figcaption")
    assert page.locator(f"{ODR_CHART} .u-legend").count() == 1  # named lines, not colours only


def test_an_upload_shows_every_problem_then_a_good_one_moves_the_figure(page, server):
    sign_in(page, server, "north-analyst", PAGE)
    page.set_input_files("[data-testid=upload-files]", [csv_file("bad.csv", BAD_ORDERS)])
    page.click("[data-testid=upload-submit]")
    rows = page.locator("[data-testid=upload-problems] tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    file, line, column, problem = rows.first.locator("td").all_inner_texts()
    assert (file, line, column) == ("bad.csv", "3", "purchase_date")
    assert "2026-13-01" in problem
    assert "nothing" in page.inner_text("[data-testid=upload-refused]").lower()
    assert page.get_attribute(ODR_CHART, "data-last") == str(round(11 / 1211 * 100, 4))

    page.set_input_files("[data-testid=upload-files]", [csv_file("orders.csv", NEW_ORDERS)])
    page.click("[data-testid=upload-submit]")
    page.wait_for_selector("[data-testid=uploaded]")
    assert "orders.csv: 2 records" in page.inner_text("[data-testid=uploaded]")
    # two more MFN orders in the window, neither with a defect: 11 of 1213
    assert page.get_attribute(ODR_CHART, "data-last") == str(round(11 / 1213 * 100, 4))
    page.wait_for_selector(f"{ODR_CHART} canvas")


def test_a_viewer_sees_no_write_form_and_not_another_tenants_account(page, server):
    sign_in(page, server, "north-viewer", PAGE)
    page.wait_for_selector("#triage")
    assert page.locator("[data-testid=upload-files]").count() == 0
    assert page.locator("button:has-text('mark requested')").count() == 0
    assert page.locator("form[action*='/upload'], form[action*='/triage/']").count() == 0
    answer = page.goto(server.url(f"/accounts/{SOUTH_ACCOUNT}?as_of={AS_OF}"))
    assert answer is not None and answer.status == 404
    assert SOUTH_ACCOUNT not in page.inner_text(".callout").replace(f"'{SOUTH_ACCOUNT}'", "")


def test_sign_out_ends_the_session(page, server):
    sign_in(page, server, "north-admin", PAGE)
    page.click("[data-testid=sign-out]")
    page.wait_for_url("**/sign-in")
    page.goto(server.url(PAGE))
    page.wait_for_url("**/sign-in?next=*")
    assert page.locator("[data-testid=who]").count() == 0
