"""How much one upload may bring: every file of one request together, at most the server's
limit (`serve --max-upload-mb`, 50 MiB unless told). A bigger upload is refused with 413 and
a message naming the limit, before anything is read or imported.

Two checks, because a client need not say how much it sends: a request to an upload path
whose `Content-Length` is over the limit is refused before its body is read (the middleware);
one sent in chunks is refused when its files, read up to one byte past the limit, are over it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, UploadFile
from fastapi.responses import Response

MIB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 50
UPLOAD_PATH_ENDINGS = ("/upload", "/uploads")  # the form's and the API's


def limit_words(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit:,} bytes"


def too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"the upload is over this server's limit of {limit_words(limit)} (all its files "
        "together); nothing was imported: send the files in smaller uploads, or start the "
        "server with a larger `--max-upload-mb`",
    )


def is_upload(request: Request) -> bool:
    return request.method == "POST" and request.url.path.endswith(UPLOAD_PATH_ENDINGS)


async def refuse_large_uploads(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """The middleware: an upload saying it is over the limit is answered 413 at once."""
    limit: int = request.app.state.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if is_upload(request) and declared.isdigit() and int(declared) > limit:
        from sellerhealth.web.app import error_response

        problem = too_large(limit)
        return error_response(request, problem.status_code, str(problem.detail))
    return await call_next(request)


def read_files(request: Request, files: list[UploadFile]) -> list[tuple[str, bytes]]:
    """Each file's name and content, refused (413) when all of them pass the limit."""
    limit: int = request.app.state.max_upload_bytes
    left, found = limit, []
    for upload in files:
        content = upload.file.read(left + 1)
        left -= len(content)
        if left < 0:
            raise too_large(limit)
        found.append((upload.filename or "upload", content))
    return found
