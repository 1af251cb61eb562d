"""Who may use the server: `tenant add|assign|list`, `user add|remove|passwd|list`,
`token create|revoke|list`. Passwords are asked for (hidden, twice) unless given by the
SELLERHEALTH_PASSWORD environment variable, never as an argument a process list would show."""

from __future__ import annotations

from typing import Annotated

import typer

from sellerhealth.cli.common import app, open_store, say
from sellerhealth.service import access
from sellerhealth.store.access import ROLES, Access

tenant_app = typer.Typer(help="Tenants: who owns which accounts.", no_args_is_help=True)
user_app = typer.Typer(help="Users of the server, each in a tenant with a role.")
token_app = typer.Typer(help="API tokens (bearer), for scripts.", no_args_is_help=True)
user_app.info.no_args_is_help = True
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

AccountsOption = Annotated[
    list[str] | None, typer.Option("--account", help="An account it owns (repeat).")
]
PasswordOption = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="SELLERHEALTH_PASSWORD",
        show_envvar=True,
        help=f"The password (at least {access.MIN_PASSWORD} characters; asked when not given).",
    ),
]


@tenant_app.command("add")
def tenant_add(
    name: Annotated[str, typer.Argument(help="The tenant's name (an agency, a seller...).")],
    account: AccountsOption = None,
) -> None:
    """Add a tenant, and give it accounts the store already has."""
    with open_store(create=True) as store:
        access.add_tenant(store, name, account or [])
    say(f"tenant {name} added" + (f" with {', '.join(account)}" if account else ""))


@tenant_app.command("assign")
def tenant_assign(
    name: Annotated[str, typer.Argument(help="The tenant.")],
    accounts: Annotated[list[str], typer.Argument(help="Accounts to give it.")],
) -> None:
    """Give accounts to a tenant (taking them from the one that had them)."""
    with open_store() as store:
        access.assign(store, name, accounts)
    say(f"{', '.join(accounts)}: now tenant {name}'s")


@tenant_app.command("list")
def tenant_list() -> None:
    """Every tenant with its accounts (an account no tenant claimed is the default's)."""
    with open_store() as store:
        table = Access(store.backend)
        known = store.accounts()
        for tenant in table.tenants():
            say(f"{tenant}: {', '.join(table.accounts_of(tenant, known)) or '(no account)'}")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="The name they sign in with.")],
    tenant: Annotated[str, typer.Option(help="Their tenant.")],
    role: Annotated[
        str, typer.Option(help=f"One of: {', '.join(ROLES)} (admin manages users, rules).")
    ],
    password: PasswordOption,
) -> None:
    """Add a user who signs in to the dashboard (and may be given API tokens)."""
    with open_store(create=True) as store:
        access.add_user(store, username, tenant, role, password)
    say(f"user {username} added to tenant {tenant} as {role}")


@user_app.command("remove")
def user_remove(username: Annotated[str, typer.Argument(help="The user.")]) -> None:
    """Remove a user: their sessions end and their tokens stop working at once."""
    with open_store() as store:
        access.remove_user(store, username)
    say(f"user {username} removed")


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="The user.")], password: PasswordOption
) -> None:
    """Set a user's password (it also lifts a lock-out and signs them out everywhere)."""
    with open_store() as store:
        access.set_password(store, username, password)
    say(f"user {username}: password changed")


@user_app.command("list")
def user_list() -> None:
    """Every user: tenant, role, and whether locked out."""
    with open_store() as store:
        table = Access(store.backend)
        rows = table.backend.query("SELECT username FROM users ORDER BY 1")
        for (name,) in rows:
            user = table.user(name)
            if user is not None:
                locked = f", locked until {user.locked_until}" if user.locked_until else ""
                say(f"{user.username}: {user.tenant}, {user.role}{locked}")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts for.")],
    days: Annotated[int, typer.Option(help="Days until it expires.")] = access.TOKEN_DAYS,
    role: Annotated[
        str | None, typer.Option(help="A weaker role than the user's (default: theirs).")
    ] = None,
) -> None:
    """Create an API token; it is printed once (only its digest is stored)."""
    with open_store() as store:
        secret, token = access.create_token(store, username, days, role)
    say(secret)
    say(
        f"token {token.token_id} for {username} ({token.tenant}, {token.role}), "
        f"expires {token.expires_at.isoformat()}; send it as `Authorization: Bearer TOKEN`",
        error=True,
    )


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id.")]) -> None:
    """Revoke a token: it stops working at once."""
    with open_store() as store:
        access.revoke_token(store, token_id)
    say(f"token {token_id} revoked")


@token_app.command("list")
def token_list(
    username: Annotated[str | None, typer.Option("--user", help="One user's tokens.")] = None,
) -> None:
    """Tokens: id, user, role, expiry, revoked (never the secret: it is not stored)."""
    with open_store() as store:
        for token in Access(store.backend).tokens(username):
            revoked = f", revoked {token.revoked_at.isoformat()}" if token.revoked_at else ""
            say(
                f"{token.token_id}: {token.username} ({token.tenant}, {token.role}), "
                f"expires {token.expires_at.isoformat()}{revoked}"
            )
