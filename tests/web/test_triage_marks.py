"""A triage item marked through the API is in the queue's GET answer: its status, note, who
marked it and when; an item nobody marked has `mark: null`."""

from __future__ import annotations

from .conftest import AS_OF, DEMO_ACCOUNT, NORTH

TRIAGE = f"/api/accounts/{DEMO_ACCOUNT}/triage"


def test_the_queue_carries_each_items_mark(tenants):
    analyst, viewer = tenants.headers(NORTH, "analyst"), tenants.headers(NORTH, "viewer")
    queue = tenants.client.get(TRIAGE, headers=viewer, params={"as_of": AS_OF}).json()
    first, last = queue[0]["order_id"], queue[-1]["order_id"]
    body = {"status": "requested", "note": "case 123"}
    marked = tenants.client.put(f"{TRIAGE}/{first}", headers=analyst, json=body)
    assert marked.status_code == 200, marked.text
    after = tenants.client.get(TRIAGE, headers=viewer, params={"as_of": AS_OF}).json()
    by_order = {item["order_id"]: item["mark"] for item in after}
    mark = by_order[first]
    assert (mark["status"], mark["note"], mark["markedBy"]) == (
        "requested",
        "case 123",
        "north-analyst",
    )
    assert mark["markedAt"] == marked.json()["markedAt"]
    assert by_order[last] is None and len(after) == len(queue)
