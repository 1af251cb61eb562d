"""The adversarial isolation suite (issue 13), driven by the OpenAPI schema: two tenants with
users of every role and their tokens; for every endpoint and method the schema has, another
tenant's account answers exactly as one that does not exist (404, same message), a role too
weak is refused (403) and no token is refused (401), and nothing of the other tenant appears
in any answer."""

from __future__ import annotations

import re

import pytest

from .conftest import DEMO_ACCOUNT, NORTH, ROLES, SOUTH, SOUTH_ACCOUNT

ORDERS = b"order_id,purchase_date,fulfillment_channel\nx-1,2026-10-01,MFN\n"
# What each writing endpoint is sent: a request it would accept on one's own account.
BODIES = {
    ("post", "/api/accounts/{account}/uploads"): {
        "files": [("files", ("orders.csv", ORDERS, "text/csv"))]
    },
    ("post", "/api/accounts/{account}/sync"): {},
    ("post", "/api/accounts/{account}/appeals"): {"json": {"root_cause": "carrier"}},
    ("patch", "/api/accounts/{account}/appeals/{appeal_id}"): {"json": {"prevention": "p"}},
    ("put", "/api/accounts/{account}/triage/{order_id}"): {"json": {"status": "requested"}},
}
# The weakest role allowed, per endpoint (reads: viewer).
NEEDS = {key: "analyst" for key in BODIES} | {("get", "/api/audit"): "admin"}
SOUTH_MARKS = re.compile("south")  # south's account, users and order ids


def operations(client):
    schema = client.get("/openapi.json").json()
    return [(method, path) for path, item in schema["paths"].items() for method in item]


def call(client, method, path, account, headers):
    url = path.format(account=account, appeal_id=f"{account}-appeal-1", order_id="south-o1")
    kwargs = BODIES.get((method, path), {})
    return client.request(
        method.upper(), url, headers=headers, params={"as_of": "2026-11-20"}, **kwargs
    )


def test_the_schema_lists_every_write(tenants):
    found = set(operations(tenants.client))
    assert set(BODIES) <= found
    assert {op for op in found if op[0] != "get"} == set(BODIES)


def test_another_tenants_account_answers_as_a_nonexistent_one(tenants):
    client = tenants.client
    for method, path in operations(client):
        if "{account}" not in path:
            continue
        for role in ROLES:
            headers = tenants.headers(NORTH, role)
            theirs = call(client, method, path, SOUTH_ACCOUNT, headers)
            nobody = call(client, method, path, "nobody", headers)
            allowed = ROLES.index(role) >= ROLES.index(NEEDS.get((method, path), "viewer"))
            expected = 404 if allowed else 403
            assert theirs.status_code == nobody.status_code == expected, (method, path, role)
            assert theirs.json() == _renamed(nobody.json()), (method, path, role)
            assert not SOUTH_MARKS.search(theirs.text.replace(SOUTH_ACCOUNT, "")), theirs.text


def _renamed(body):
    text = str(body).replace("nobody", SOUTH_ACCOUNT)
    return eval(text)  # the same dict with the name asked for


def test_too_weak_roles_and_no_token_are_refused_on_ones_own_account(tenants):
    client = tenants.client
    for method, path in operations(client):
        need = NEEDS.get((method, path), "viewer")
        assert call(client, method, path, DEMO_ACCOUNT, {}).status_code == 401, path
        for role in ROLES[: ROLES.index(need)]:
            answer = call(client, method, path, DEMO_ACCOUNT, tenants.headers(NORTH, role))
            assert answer.status_code == 403, (method, path, role)


@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_nothing_of_the_other_tenant(tenants, role):
    client = tenants.client
    # south writes something first, so its audit log and triage marks exist
    headers = tenants.headers(SOUTH, "analyst")
    assert (
        call(client, "post", "/api/accounts/{account}/appeals", SOUTH_ACCOUNT, headers).status_code
        == 201
    )
    for path in ("/api/accounts", "/api/portfolio", "/api/audit"):
        answer = client.get(
            path, headers=tenants.headers(NORTH, role), params={"as_of": "2026-11-20"}
        )
        assert answer.status_code in (200, 403)
        assert not SOUTH_MARKS.search(answer.text), (path, answer.text)
    mine = client.get("/api/accounts", headers=tenants.headers(NORTH, role)).json()
    assert [a["account"] for a in mine] == [DEMO_ACCOUNT]
    audit = client.get("/api/audit", headers=tenants.headers(SOUTH, "admin")).json()
    assert audit and {e["account"] for e in audit} == {SOUTH_ACCOUNT}


def test_pages_of_another_tenant_are_not_found(tenants):
    client = tenants.client
    headers = tenants.headers(NORTH, "admin")
    assert client.get(f"/accounts/{SOUTH_ACCOUNT}", headers=headers).status_code == 404
    index = client.get("/", headers=headers, params={"as_of": "2026-11-20"})
    assert index.status_code == 200 and SOUTH_ACCOUNT not in index.text
