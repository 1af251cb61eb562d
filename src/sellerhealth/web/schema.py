"""What the OpenAPI description says of errors: every error is `{"error": message}`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error the API answers: one message saying what went wrong and what to do."""

    error: str = Field(description="What went wrong, and what to do about it.")


class RowProblem(BaseModel):
    """One problem of an uploaded file, as the CLI prints `file:line: column: problem`."""

    file: str
    line: int
    column: str
    problem: str


class UploadRefused(ErrorBody):
    """An upload with bad rows: nothing was imported; every problem listed."""

    problems: list[RowProblem]


def _error(description: str, model: type[BaseModel] = ErrorBody) -> dict[str, Any]:
    return {"model": model, "description": description}


READ_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error("A usage error: a bad metric, `to` before `from`."),
    401: _error("No valid credentials: a bearer token or a signed-in session is needed."),
    404: _error("No such account for the caller (another tenant's answers the same)."),
    422: _error("A bad parameter (a date that is not one), or data that gives no answer."),
    503: _error("The store cannot be opened or is busy; `Retry-After` says when to retry."),
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    403: _error("The caller's role is too weak, or a session's write came without its CSRF token."),
}
