"""`serve`: the JSON API and the dashboard over the `--db` store (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from sellerhealth.cli.common import DEFAULT_DB, _state, app, err, open_store
from sellerhealth.errors import UsageError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})  # where no sign-in may be allowed


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    sync: Annotated[
        bool, typer.Option("--sync", help="Also sync connected accounts when due (each minute).")
    ] = False,
    max_upload_mb: Annotated[
        int | None,
        typer.Option(
            help="The most one upload may bring, all its files together, in MiB (default 50).",
            min=1,
        ),
    ] = None,
    grace: Annotated[
        int,
        typer.Option(help="Seconds running requests get to finish on SIGTERM or Ctrl-C.", min=0),
    ] = 5,
) -> None:
    """Serve the JSON API (/api/...) and the dashboard (/) until interrupted.

    With no user in the store it serves only 127.0.0.1/localhost, without sign-in; once a
    user exists (`sellerhealth user add`) everyone signs in, on any address.

    Each request opens the store and closes it, so `sellerhealth import` can write to the
    same store while the server runs."""
    import uvicorn

    from sellerhealth.store.access import Access
    from sellerhealth.web import create_app
    from sellerhealth.web.upload_limit import DEFAULT_MAX_UPLOAD_MB, MIB

    db = _state.get("db", str(DEFAULT_DB))
    with open_store() as store:  # fail now, with the store's message, if it cannot be opened
        where = store.backend.description
        signing_in = Access(store.backend).has_users()
    local = host in LOOPBACK
    if not local and not signing_in:
        raise UsageError(
            f"refusing to serve on {host} without sign-in: anyone who reaches it would read "
            "every account. Add a user first (`sellerhealth tenant add NAME`, then "
            "`sellerhealth user add USER --tenant NAME --role admin`), or serve on 127.0.0.1"
        )
    if not signing_in:
        err.print("sellerhealth: no user configured: open to this machine only (no sign-in)")
    err.print(f"sellerhealth: serving {where} on http://{host}:{port}/", highlight=False)
    if sync:
        from sellerhealth.cli.sync import start_sync_thread

        start_sync_thread(db)
    # On SIGTERM (or Ctrl-C) uvicorn stops accepting, lets running requests finish for
    # `--grace` seconds, then cancels them and exits: a long request cannot hold it up.
    upload_limit = (max_upload_mb or DEFAULT_MAX_UPLOAD_MB) * MIB
    uvicorn.run(
        create_app(db, open_access=local, max_upload_bytes=upload_limit),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=grace,
    )
