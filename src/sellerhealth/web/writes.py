"""Writes through the server: upload files into an account, start a sync, record an appeal and
its Plan of Action, mark a triage item, read the audit log. Each is the service call the CLI
makes (`import`, `sync`, `appeal open|update`), scoped to the caller's tenant, allowed from
the analyst role up (the audit log: admins), and written to the audit log: who, when, what.

An upload follows the CLI's rule: every file of one request lands, or none does; a bad row
refuses the whole upload with every problem as `{file, line, column, problem}` (422), the
file named as it was uploaded. Rows naming another account are refused too.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from sellerhealth.errors import InputError, RowError, UsageError
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.service import appeal_records, imports
from sellerhealth.service import sync as sync_service
from sellerhealth.service.access import Caller
from sellerhealth.service.accounts import UnknownAccount
from sellerhealth.service.states import appeal_dict
from sellerhealth.store import triage_actions
from sellerhealth.store.access import Access
from sellerhealth.store.store import Store
from sellerhealth.web.app import StoreDep, query_day
from sellerhealth.web.auth import AccountDep, AdminDep, AnalystDep
from sellerhealth.web.schema import WRITE_ERRORS, ErrorBody, UploadRefused
from sellerhealth.web.upload_limit import read_files

router = APIRouter(prefix="/api", tags=["write"], responses=WRITE_ERRORS)
Json = dict[str, Any]
MAX_FILES = 20


class UploadError(InputError):
    """An upload refused: nothing imported; the problems name the files as uploaded."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def audit(store: Store, caller: Caller, action: str, account: str | None, what: Json) -> None:
    Access(store.backend).audit(caller.audit_tenant, caller.username, action, account, what)


def _safe_name(name: str, n: int) -> str:
    """The uploaded file's own name, without folders or odd characters (it names the file in
    error messages and the import log)."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name.replace("\\", "/")).name)[:120]
    return base.strip(".") or f"upload-{n}"


def upload_files(
    store: Store,
    caller: Caller,
    account: str,
    uploads: list[Upload],
    options: ReadOptions,
    kind: str | None = None,
) -> list[Json]:
    """Import `uploads` into `account`, all or nothing (see the module's docstring)."""
    if not uploads:
        raise UsageError("no file: send one or more `files` parts")
    if len(uploads) > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files in one upload")
    with tempfile.TemporaryDirectory(prefix="sellerhealth-upload-") as folder:
        paths, names = [], {}
        for n, upload in enumerate(uploads):
            path = Path(folder) / str(n) / _safe_name(upload.name, n)
            path.parent.mkdir()
            path.write_bytes(upload.content)
            paths.append(path)
            names[str(path)] = path.name
        try:
            outcomes = imports.import_files(store, paths, options, kind, only_account=True)
        except InputError as problem:
            raise _as_uploaded(problem, names) from None
    done = [
        {
            "file": names[str(o.path)],
            "kind": o.kind,
            "rows": o.rows,
            "records": o.summary.records,
            "removedFeedback": o.summary.removed_feedback,
        }
        for o in outcomes
    ]
    audit(store, caller, "upload", account, {"files": done})
    return done


def _as_uploaded(problem: InputError, names: dict[str, str]) -> UploadError:
    def rename(text: str) -> str:
        for path, name in names.items():
            text = text.replace(path, name)
        return text

    errors = [RowError(rename(e.file), e.line, e.column, rename(e.problem)) for e in problem.errors]
    return UploadError(rename(str(problem.args[0])), errors)


class UploadDone(BaseModel):
    file: str
    kind: str
    rows: int
    records: int
    removedFeedback: int


@router.post(
    "/accounts/{account}/uploads",
    responses={
        413: {"model": ErrorBody, "description": "Over the server's upload limit."},
        422: {"model": UploadRefused, "description": "Bad rows: nothing imported."},
    },
)
def upload(
    request: Request,
    store: StoreDep,
    caller: AnalystDep,
    account: AccountDep,
    files: Annotated[list[UploadFile], File(description="The files, of any kind `import` reads.")],
    kind: Annotated[str | None, Form(description="Override the detected kind.")] = None,
    report_from: Annotated[str | None, Form(description="Feedback report: first day.")] = None,
    report_to: Annotated[str | None, Form(description="Feedback report: last day.")] = None,
    report_date: Annotated[str | None, Form(description="Day the report was taken.")] = None,
) -> list[UploadDone]:
    """Import files into the account as `sellerhealth import` does: all land or none does.
    413 when the files together pass the server's upload limit (`serve --max-upload-mb`)."""
    options = ReadOptions(
        account=account,
        report_from=query_day(report_from, "report_from"),
        report_to=query_day(report_to, "report_to"),
        report_date=query_day(report_date, "report_date"),
    )
    uploads = [Upload(name, content) for name, content in read_files(request, files)]
    return [UploadDone(**d) for d in upload_files(store, caller, account, uploads, options, kind)]


class SyncDone(BaseModel):
    account: str
    lines: list[str] = Field(description="What each data kind brought, as `sync` prints it.")
    failed: list[str] = Field(description="The data kinds that failed (the others synced).")


def sync_now(store: Store, caller: Caller, account: str) -> SyncDone:
    result = sync_service.sync_account(store, account, datetime.now(UTC))
    done = SyncDone(
        account=account,
        lines=sync_service.describe(result),
        failed=[k.kind for k in result.failed],
    )
    audit(store, caller, "sync", account, {"failed": done.failed})
    return done


@router.post("/accounts/{account}/sync")
def start_sync(store: StoreDep, caller: AnalystDep, account: AccountDep) -> SyncDone:
    """Sync the connected account now from the Selling Partner API (as `sellerhealth sync`);
    400 when it is not connected."""
    return sync_now(store, caller, account)


class AppealChanges(BaseModel):
    """The Plan of Action's parts, evidence, the submission and Amazon's decision."""

    root_cause: str | None = None
    actions_taken: str | None = None
    prevention: str | None = None
    evidence: list[str] = Field(default=[], description="Links or file names to attach.")
    submitted_on: date | None = None
    decided_on: date | None = None
    outcome: Literal["granted", "denied"] | None = None

    def changes(self, appeal_evidence: tuple[str, ...]) -> Json:
        found = {k: v for k, v in self.model_dump().items() if v is not None and k != "evidence"}
        if (self.decided_on is None) != (self.outcome is None):
            raise UsageError("decided_on and outcome go together: give both")
        if self.evidence:
            found["evidence"] = (*appeal_evidence, *self.evidence)
        return found


class NewAppeal(AppealChanges):
    # No id of one's own: ids are the store's (ACCOUNT-appeal-N), so one tenant's choice can
    # never meet another's.
    opened_on: date | None = Field(default=None, description="Default: today, UTC.")


def save_appeal(
    store: Store, caller: Caller, account: str, body: AppealChanges, appeal_id: str | None
) -> Json:
    """Open an appeal (no `appeal_id`) or update one of the account's, with the plan given."""
    if appeal_id is None:
        opened = body.opened_on if isinstance(body, NewAppeal) else None
        appeal = appeal_records.open_appeal(store, account, opened or datetime.now(UTC).date())
    else:
        found = store.appeal(appeal_id)
        if found is None or found.account != account:
            raise UnknownAccount(f"no appeal {appeal_id!r} of account {account!r}")
        appeal = found
    changes = body.changes(appeal.evidence)
    if changes:
        appeal = appeal_records.update_appeal(store, appeal, changes)
    document = appeal_dict(appeal)
    audit(store, caller, "appeal open" if appeal_id is None else "appeal update", account, document)
    return document


@router.get("/accounts/{account}/appeals")
def appeals(store: StoreDep, account: AccountDep) -> list[Json]:
    """The account's appeals, oldest first, with their Plan of Action."""
    return [appeal_dict(a) for a in store.appeals(account)]


@router.post("/accounts/{account}/appeals", status_code=201)
def open_appeal(store: StoreDep, caller: AnalystDep, account: AccountDep, body: NewAppeal) -> Json:
    """Open an appeal of the account's suspension, with as much of the plan as is written."""
    return save_appeal(store, caller, account, body, None)


@router.patch("/accounts/{account}/appeals/{appeal_id}")
def update_appeal(
    store: StoreDep, caller: AnalystDep, account: AccountDep, appeal_id: str, body: AppealChanges
) -> Json:
    """Write the Plan of Action, attach evidence, record the submission and the decision."""
    return save_appeal(store, caller, account, body, appeal_id)


class TriageMarkBody(BaseModel):
    status: Literal["requested", "removed", "refused"]
    note: str = Field(default="", max_length=2000)


def mark_triage(
    store: Store, caller: Caller, account: str, order_id: str, status: str, note: str
) -> Json:
    if status not in triage_actions.TRIAGE_STATUSES:
        raise UsageError(f"status: one of {', '.join(triage_actions.TRIAGE_STATUSES)}")
    if not triage_actions.has_feedback(store.backend, account, order_id):
        raise UnknownAccount(f"no feedback on order {order_id!r} of account {account!r}")
    item = triage_actions.TriageMark(order_id, status, note, caller.username, datetime.now(UTC))
    triage_actions.mark(store.backend, account, item)
    audit(store, caller, f"triage {status}", account, {"order": order_id, "note": note})
    return item.as_dict()


@router.put("/accounts/{account}/triage/{order_id}")
def mark_triage_item(
    store: StoreDep, caller: AnalystDep, account: AccountDep, order_id: str, body: TriageMarkBody
) -> Json:
    """Mark a feedback of the queue: a removal requested, the feedback removed, or refused."""
    return mark_triage(store, caller, account, order_id, body.status, body.note)


@router.get("/audit")
def audit_log(
    store: StoreDep,
    caller: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="Newest entries to give.")] = 200,
) -> list[Json]:
    """The tenant's writes made through the server, newest first: who, when, what."""
    return [e.as_dict() for e in Access(store.backend).audit_log(caller.tenant, limit)]
