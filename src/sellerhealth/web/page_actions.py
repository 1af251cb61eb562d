"""The dashboard's forms: upload files into an account, start a sync, record an appeal and its
Plan of Action, mark a triage item, and keep the account's alert rules. Each checks the form's
CSRF token and the role, calls the same function as the API (`web.writes`,
`web.alert_rules_api`), and shows the page again: with what was done, or with why the form
was refused (nothing stored)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from sellerhealth.errors import InputError, UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service.account_alert_rules import RuleRefused, table_from_toml
from sellerhealth.service.accounts import UnknownAccount
from sellerhealth.web.alert_rules_api import put_rule, remove_rule
from sellerhealth.web.app import AsOfDep, StoreDep
from sellerhealth.web.auth import AccountDep, AdminDep, AnalystDep, check_csrf
from sellerhealth.web.pages import render_account, render_rules
from sellerhealth.web.upload_limit import read_files
from sellerhealth.web.writes import (
    AppealChanges,
    NewAppeal,
    Upload,
    UploadError,
    mark_triage,
    save_appeal,
    sync_now,
    upload_files,
)

router = APIRouter(include_in_schema=False)
CsrfForm = Annotated[str, Form()]
TextForm = Annotated[str, Form()]


@router.post("/accounts/{account}/upload")
def upload_form(
    request: Request,
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    csrf: CsrfForm,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    check_csrf(caller, csrf)
    uploads = [Upload(name, content) for name, content in read_files(request, files)]
    try:
        done = upload_files(store, caller, account, uploads, ReadOptions(account=account))
    except UploadError as problem:
        problems = [
            {"file": e.file, "line": e.line, "column": e.column, "problem": e.problem}
            for e in problem.errors
        ]
        page = render_account(
            store, caller, account, as_of, problems=problems, upload_message=problem.args[0]
        )
        return HTMLResponse(page, status_code=422)
    words = "; ".join(f"{d['file']}: {d['records']} records" for d in done)
    return HTMLResponse(render_account(store, caller, account, as_of, uploaded=words))


@router.post("/accounts/{account}/sync")
def sync_form(
    store: StoreDep, caller: AnalystDep, account: AccountDep, as_of: AsOfDep, csrf: CsrfForm
) -> Response:
    """Sync now, as the API's POST .../sync; an account not connected answers 400."""
    check_csrf(caller, csrf)
    done = sync_now(store, caller, account)
    failed = f" Failed: {', '.join(done.failed)}." if done.failed else ""
    notice = f"Synced: {'; '.join(done.lines)}.{failed}"
    return HTMLResponse(render_account(store, caller, account, as_of, notice=notice))


def _plan(**fields: str) -> dict[str, Any]:
    """The appeal form's filled-in fields (an empty one changes nothing); evidence a line each."""
    found: dict[str, Any] = {k: v.strip() for k, v in fields.items() if v.strip()}
    if "evidence" in found:
        lines = (line.strip() for line in found["evidence"].splitlines())
        found["evidence"] = [line for line in lines if line]
    return found


def _appeal_form(
    store: StoreDep,
    caller: AnalystDep,
    account: str,
    as_of: AsOfDep,
    model: type[AppealChanges],
    appeal_id: str | None,
    fields: dict[str, str],
) -> Response:
    try:
        save_appeal(store, caller, account, model.model_validate(_plan(**fields)), appeal_id)
    except ValidationError as problem:
        why = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in problem.errors())
        page = render_account(store, caller, account, as_of, appeal_problem=f"Not saved: {why}")
        return HTMLResponse(page, status_code=422)
    except UnknownAccount:
        raise  # no such appeal of the account: 404, as the API
    except (UsageError, InputError) as problem:  # the plan's rules (`domain.appeals`)
        page = render_account(store, caller, account, as_of, appeal_problem=f"Not saved: {problem}")
        return HTMLResponse(page, status_code=422)
    target = f"/accounts/{quote(account, safe='')}?as_of={as_of.isoformat()}#appeals"
    return RedirectResponse(target, status_code=303)


@router.post("/accounts/{account}/appeals")
def open_appeal_form(
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    csrf: CsrfForm,
    opened_on: TextForm = "",
    root_cause: TextForm = "",
    actions_taken: TextForm = "",
    prevention: TextForm = "",
    evidence: TextForm = "",
    submitted_on: TextForm = "",
) -> Response:
    """Record an appeal, as the API's POST .../appeals."""
    check_csrf(caller, csrf)
    fields = {k: v for k, v in locals().items() if k in _OPEN_FIELDS}
    return _appeal_form(store, caller, account, as_of, NewAppeal, None, fields)


@router.post("/accounts/{account}/appeals/{appeal_id}")
def update_appeal_form(
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    appeal_id: str,
    csrf: CsrfForm,
    root_cause: TextForm = "",
    actions_taken: TextForm = "",
    prevention: TextForm = "",
    evidence: TextForm = "",
    submitted_on: TextForm = "",
    decided_on: TextForm = "",
    outcome: TextForm = "",
) -> Response:
    """Update an appeal's plan, evidence, submission or decision, as the API's PATCH."""
    check_csrf(caller, csrf)
    fields = {k: v for k, v in locals().items() if k in _UPDATE_FIELDS}
    return _appeal_form(store, caller, account, as_of, AppealChanges, appeal_id, fields)


_UPDATE_FIELDS = frozenset(AppealChanges.model_fields)
_OPEN_FIELDS = frozenset(NewAppeal.model_fields) - {"decided_on", "outcome"}


@router.post("/accounts/{account}/triage/{order_id}")
def triage_form(
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    order_id: str,
    csrf: CsrfForm,
    status: TextForm,
) -> Response:
    check_csrf(caller, csrf)
    mark_triage(store, caller, account, order_id, status, "")
    target = f"/accounts/{quote(account, safe='')}?as_of={as_of.isoformat()}#triage"
    return RedirectResponse(target, status_code=303)


def _rules_page(account: str) -> Response:
    return RedirectResponse(f"/accounts/{quote(account, safe='')}/alert-rules", status_code=303)


@router.post("/accounts/{account}/alert-rules")
def alert_rule_form(
    store: StoreDep,
    caller: AdminDep,
    account: AccountDep,
    csrf: CsrfForm,
    name: TextForm,
    kind: Annotated[str, Form(alias="type")],
    settings: TextForm = "",
) -> Response:
    """Add or replace the account's rule `name`, as the API's PUT .../alert-rules/{name}."""
    check_csrf(caller, csrf)
    name = name.strip()
    try:
        put_rule(store, caller, account, name, table_from_toml(name, kind, settings))
    except RuleRefused as problem:
        entered = {"name": name, "type": kind, "settings": settings}
        page = render_rules(store, caller, account, refused=str(problem), entered=entered)
        return HTMLResponse(page, status_code=422)
    return _rules_page(account)


@router.post("/accounts/{account}/alert-rules/{name}/remove")
def remove_alert_rule_form(
    store: StoreDep, caller: AdminDep, account: AccountDep, name: str, csrf: CsrfForm
) -> Response:
    """Remove the account's rule `name`, as the API's DELETE .../alert-rules/{name}."""
    check_csrf(caller, csrf)
    remove_rule(store, caller, account, name)
    return _rules_page(account)
