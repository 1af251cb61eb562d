"""Alert rules kept on an account, through the API: read them (any role of the tenant), put one
or remove one (admins). A rule is the table a `[[rules]]` entry of the alerts config would be,
as JSON: checked by the config file's own parser (`service.account_alert_rules`), refused with
a 422 naming each field and its problem. Every change is written to the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Response

from sellerhealth.service import account_alert_rules as rules
from sellerhealth.service.access import Caller
from sellerhealth.service.accounts import UnknownAccount
from sellerhealth.store.store import Store
from sellerhealth.web.app import StoreDep
from sellerhealth.web.auth import AccountDep, AdminDep
from sellerhealth.web.schema import READ_ERRORS, WRITE_ERRORS, ErrorBody
from sellerhealth.web.writes import audit

router = APIRouter(prefix="/api", tags=["alert rules"])
Json = dict[str, Any]

RuleName = Annotated[
    str,
    Path(
        description="The rule's name, unique within the account; part of its alerts' cause keys.",
        pattern=rules.RULE_NAME_PATTERN,
    ),
]
RuleBody = Annotated[
    Json,
    Body(
        description="The rule as a `[[rules]]` entry of the alerts config (docs/alerts.md): "
        "`type` and its settings; no `accounts` (the rule is the account's), `name` as in "
        "the path if given.",
        openapi_examples={
            "headroom": {"value": {"type": "headroom", "at_most": 2, "severity": "critical"}},
        },
    ),
]
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "The rule refused: each field and its problem."}
}


def put_rule(store: Store, caller: Caller, account: str, name: str, table: Json) -> Json:
    """Check `table` as the account's rule `name`, keep it (replacing one of that name), and
    write the change to the audit log."""
    rule = rules.checked_rule(name, table)
    replaced = rules.rule_tables(store, account)
    action = "alert rule edit" if any(r["name"] == name for r in replaced) else "alert rule add"
    rules.save_rule(store, account, rule, caller.username, datetime.now(UTC))
    audit(store, caller, action, account, {"rule": rule})
    return rule


def remove_rule(store: Store, caller: Caller, account: str, name: str) -> None:
    if not rules.remove_rule(store, account, name):
        raise UnknownAccount(f"no alert rule {name!r} on account {account!r}")
    audit(store, caller, "alert rule remove", account, {"name": name})


@router.get("/accounts/{account}/alert-rules", responses=READ_ERRORS)
def alert_rules(store: StoreDep, account: AccountDep) -> list[Json]:
    """The alert rules kept on the account (beside those of the `watch` config file), by name:
    each a `[[rules]]` entry as JSON."""
    return rules.rule_tables(store, account)


@router.put("/accounts/{account}/alert-rules/{name}", responses={**WRITE_ERRORS, **REFUSED})
def put_alert_rule(
    store: StoreDep, caller: AdminDep, account: AccountDep, name: RuleName, body: RuleBody
) -> Json:
    """Add the rule `name` to the account, or replace it; `watch` applies it to this account
    from its next run. 422 naming each field and its problem when the alerts config's parser
    does not take it."""
    return put_rule(store, caller, account, name, body)


@router.delete("/accounts/{account}/alert-rules/{name}", status_code=204, responses=WRITE_ERRORS)
def delete_alert_rule(
    store: StoreDep, caller: AdminDep, account: AccountDep, name: RuleName
) -> Response:
    """Remove the account's rule `name` (404 when it has none of that name)."""
    remove_rule(store, caller, account, name)
    return Response(status_code=204)
