"""Sealing a connection's secrets with the operator's key (Fernet: AES-128-CBC + HMAC-SHA256,
from the maintained `cryptography` library), so the store never holds them in the clear.

The key is `SELLERHEALTH_SECRET_KEY`, a Fernet key (32 random bytes, url-safe base64). Make
one with `sellerhealth connect --new-key` and keep it outside the store (a secret manager or
the service's environment): whoever has the store without the key has no credentials.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken

from sellerhealth.connectors.spapi import Credentials
from sellerhealth.errors import UsageError

KEY_VARIABLE = "SELLERHEALTH_SECRET_KEY"


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet(env: Mapping[str, str] | None = None) -> Fernet:
    key = (env if env is not None else os.environ).get(KEY_VARIABLE, "").strip()
    if not key:
        raise UsageError(
            f"{KEY_VARIABLE} is not set: it encrypts the stored Amazon credentials; make one "
            "with `sellerhealth connect --new-key` and export it"
        )
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise UsageError(
            f"{KEY_VARIABLE} is not a Fernet key (32 bytes, url-safe base64); make one with "
            "`sellerhealth connect --new-key`"
        ) from None


def seal(credentials: Credentials, env: Mapping[str, str] | None = None) -> str:
    client_id, secret, refresh = credentials.values()
    plain = json.dumps({"client_id": client_id, "client_secret": secret, "refresh_token": refresh})
    return _fernet(env).encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(sealed: str, account: str, env: Mapping[str, str] | None = None) -> Credentials:
    try:
        plain = _fernet(env).decrypt(sealed.encode("ascii"))
    except InvalidToken:
        raise UsageError(
            f"account {account}: the stored credentials do not open with this "
            f"{KEY_VARIABLE}; use the key they were stored with, or run "
            f"`sellerhealth connect --account {account}` again"
        ) from None
    found = json.loads(plain)
    return Credentials(found["client_id"], found["client_secret"], found["refresh_token"])
