"""The dashboard pages: rendered on the server with the demo seller's figures, no external
URL anywhere, errors as HTML pages."""

from __future__ import annotations

import re

import pytest

from .conftest import AS_OF, DEMO_ACCOUNT, EMPTY_ACCOUNT


@pytest.fixture(scope="module")
def page(client) -> str:
    response = client.get(f"/accounts/{DEMO_ACCOUNT}", params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_index_lists_the_accounts(client):
    response = client.get("/")
    assert response.status_code == 200
    assert f'href="/accounts/{DEMO_ACCOUNT}?as_of=' in response.text
    assert EMPTY_ACCOUNT in response.text and "business" in response.text


def test_index_shows_each_accounts_status(client):
    """Amazon's status from the report, our assessment, and the data's age (issue 11)."""
    text = client.get("/", params={"as_of": "2026-12-03"}).text
    row = text[text.index(f'data-testid="account-{DEMO_ACCOUNT}"') :]
    row = row[: row.index("</tr>")]
    assert "NORMAL" in row and "report of 2026-11-20" in row
    assert "at risk of review</span>" in row and "since 2026-11-11" in row
    assert "latest order 2026-11-20 (13 days old)" in row
    empty = text[text.index(f'data-testid="account-{EMPTY_ACCOUNT}"') :]
    assert "no order yet" in empty[: empty.index("</tr>")]


def test_account_page_shows_state_and_capabilities(page):
    """Amazon's status first; ours worded as a risk assessment, never as what the seller can
    do (issue 11: the page said "can sell: no" for an account Amazon calls NORMAL)."""
    assert page.index('data-testid="amazon-status"') < page.index('data-testid="state-label"')
    assert "<strong>ATVPDKIKX0DER NORMAL</strong>" in page
    assert ">at risk of review</span>" in page and "since 2026-11-11" in page
    assert "can sell" not in page
    assert "typically stops: selling, disbursements, appeals." in page
    assert "not the account's status" in page
    assert "customer_complaints" in page


def test_account_page_metric_table_with_coloured_statuses(page):
    # MFN ODR: 11 of 1211 orders, 0.91%, target < 1%, GOOD; a policy category is BAD.
    assert "Order defect rate, seller-fulfilled" in page
    assert "11 / 1211" in page and "0.91%" in page and "&lt; 1.00%" in page
    assert "feedback 6, claims 4, chargebacks 2" in page
    assert "2026-09-08 .. 2026-11-06" in page
    assert 'class="status status-GOOD"' in page and 'class="status status-BAD"' in page


def test_account_page_puts_amazons_figures_beside_ours(page):
    assert "0.99% (12 / 1211)" in page and "0.91% (11 / 1211)" in page
    assert '<span class="pill warn">differs</span>' in page


def test_account_page_shows_the_forecast_breach_warning(page):
    assert "MFN ODR likely at or above 1.00%" in page and "from 2026-11-23" in page


def test_account_page_shows_timeline_triage_and_shipments(page):
    assert "growth_review" in page and "late_shipment_breach" in page
    assert "1-10 of 40" in page and "113-5366432-3618400" in page
    assert "1-10 of 49" in page and "111-8915509-2024800" in page
    assert page.count('<span class="verdict') == 10


def test_triage_and_shipments_pages_show_the_rest(client, page):
    """Issue 11: the page stopped at "top 10 of 40" with no way to see the rest."""
    assert 'data-testid="pager-triage_page"' in page and "page 1 of 4" in page
    last = client.get(
        f"/accounts/{DEMO_ACCOUNT}", params={"as_of": AS_OF, "triage_page": 4, "shipments_page": 5}
    ).text
    assert "31-40 of 40" in last and "41-49 of 49" in last
    assert last.count('<span class="verdict') == 10
    assert "<td>31</td>" in last and "<td>41</td>" in last


def test_a_past_act_by_date_is_highlighted(page):
    cells = re.findall(r'<td data-sort="([0-9-]+)" class="([^"]*)" data-testid="act-by">', page)
    assert cells
    for day, css in cells:
        assert ("past" in css) == (day < AS_OF), (day, css)
    assert any("past" in css for _, css in cells)


def test_pages_use_no_external_url_and_their_files_are_served(client, page):
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    for path in re.findall(r"""(?:src|href)="(/static/[^"]+)""", page):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/accounts/nobody", 404, "no such account &#39;nobody&#39;"),
        (f"/accounts/{DEMO_ACCOUNT}?as_of=20-11-2026", 422, "as_of: &#39;20-11-2026&#39;"),
        (f"/accounts/{EMPTY_ACCOUNT}?as_of={AS_OF}", 422, "import its orders first"),
    ],
)
def test_errors_are_html_pages(client, path, status, says):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert says in response.text


def test_pages_escape_what_they_show(client):
    response = client.get("/accounts/%3Cscript%3Ealert(1)")
    assert response.status_code == 404
    assert "<script>alert" not in response.text
    assert "no such account &#39;&lt;script&gt;alert(1)&#39;" in response.text
