"""The dashboard's forms: upload files into an account and mark a triage item. Each checks
the form's CSRF token and the role, calls the same function as the API (`web.writes`), and
shows the account page again: with what was imported, or with every problem of a refused
upload (nothing imported)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sellerhealth.ingest.base import ReadOptions
from sellerhealth.web.app import AsOfDep, StoreDep
from sellerhealth.web.auth import AccountDep, AnalystDep, check_csrf
from sellerhealth.web.pages import render_account
from sellerhealth.web.upload_limit import read_files
from sellerhealth.web.writes import Upload, UploadError, mark_triage, upload_files

router = APIRouter(include_in_schema=False)


@router.post("/accounts/{account}/upload")
def upload_form(
    request: Request,
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    csrf: Annotated[str, Form()],
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


@router.post("/accounts/{account}/triage/{order_id}")
def triage_form(
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    as_of: AsOfDep,
    order_id: str,
    csrf: Annotated[str, Form()],
    status: Annotated[str, Form()],
) -> Response:
    check_csrf(caller, csrf)
    mark_triage(store, caller, account, order_id, status, "")
    target = f"/accounts/{account}?as_of={as_of.isoformat()}#triage"
    return RedirectResponse(target, status_code=303)
