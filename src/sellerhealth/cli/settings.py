"""Settings: `policy show|check`, `account set|list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sellerhealth.cli.common import (
    account_app,
    account_of,
    open_store,
    option_account,
    out,
    policy_app,
)
from sellerhealth.domain.records import AccountSettings
from sellerhealth.errors import UsageError
from sellerhealth.policy_files import load_policy, policy_path
from sellerhealth.service import kept_replay


@policy_app.command("show")
def policy_show(
    name: Annotated[
        str, typer.Argument(help="Policy name or path to a .toml file.")
    ] = "amazon-us-2026",
) -> None:
    """Print a policy: every setting, its value and its source section."""
    from rich.table import Table

    policy = load_policy(name)
    table = Table(title=f"{policy.meta.name} {policy.meta.version}: {policy.meta.description}")
    for column in ("Setting", "Value", "Source (docs/sources.md)"):
        table.add_column(column)
    for section, value in vars(policy).items():
        if section in ("meta", "sources"):
            continue
        for key, setting in vars(value).items():
            path = f"{section}.{key}"
            shown = ", ".join(map(str, setting)) if isinstance(setting, tuple) else str(setting)
            table.add_row(path, shown, policy.sources.get(path, ""))
    out.print(table)
    out.print(f"[dim]{policy_path(name)}[/dim]")


@policy_app.command("check")
def policy_check(path: Annotated[Path, typer.Argument(help="Policy file to check.")]) -> None:
    """Check a policy file; list every problem."""
    policy = load_policy(str(path))
    out.print(f"{path}: ok ({policy.meta.name} {policy.meta.version})")


@account_app.command("set")
def account_set(
    account: Annotated[str, typer.Argument(help="The account's name.")],
    program: Annotated[
        str | None, typer.Option(help="standard or business (Amazon Business Seller program).")
    ] = None,
    policy: Annotated[str | None, typer.Option(help="Policy name.")] = None,
    create: Annotated[
        bool, typer.Option("--create", help="Create the account (and the store) if new.")
    ] = False,
) -> None:
    """Choose an account's policy and seller program (`--create` for a new account)."""
    account = option_account(account, "ACCOUNT")
    if program not in (None, "standard", "business"):
        raise UsageError(f"--program: {program!r} is not one of: standard, business")
    with open_store(create=create) as store:
        if not create:
            account_of(store, account)  # a typo must not create an empty account
        # As stored: an unset policy stays unset (it follows the account's marketplace).
        current = store.account(account, resolve=False)
        if policy:
            load_policy(policy)  # refuse a policy that does not load
        settings = AccountSettings(account, policy or current.policy, program or current.program)
        store.set_account(settings)
        kept_replay.refresh(store, settings.account)
        resolved = store.account(account)
    chosen = "" if settings.policy else " (from its marketplace)"
    out.print(f"{account}: policy {resolved.policy}{chosen}, program {settings.program}")


@account_app.command("list")
def account_list() -> None:
    """List accounts with their settings."""
    with open_store() as store:
        for name in store.accounts():
            settings = store.account(name)
            out.print(f"{name}\tpolicy {settings.policy}\tprogram {settings.program}")
