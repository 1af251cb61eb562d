"""Calls to the Selling Partner API through python-amazon-sp-api, with Amazon's fault rules.

Nothing here signs or builds a request: the maintained client does. This module chooses the
endpoint (Amazon's region endpoint, or a given one such as the local emulator), paces each
operation within its usage plan, and retries what Amazon says to retry:

- 429: wait for the operation's bucket to refill one request, at the rate Amazon states in
  `x-amzn-RateLimit-Limit` (else the model's published rate), then retry;
- 5xx, a dropped connection or a timeout: exponential backoff with jitter, then retry;
- 403 with an expired access token: fetch a new token with the refresh token, then retry once;
- a refused refresh token: stop, and say to run `sellerhealth connect` again.

Errors name the account and the operation, never a secret.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import httpx
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import ApiResponse, Client, Marketplaces
from sp_api.base.exceptions import (
    SellingApiException,
    SellingApiForbiddenException,
    SellingApiGatewayTimeoutException,
    SellingApiRequestThrottledException,
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
)

from sellerhealth.connectors.spapi_models import REGION_MARKETPLACE, USAGE_PLANS
from sellerhealth.errors import SellerhealthError

log = logging.getLogger("sellerhealth.sync")
C = TypeVar("C", bound=Client)
_RETRY_SERVER = (
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
    SellingApiGatewayTimeoutException,
)


class SyncError(SellerhealthError):
    """A sync call that cannot go on; the message says which account, which call, what to do."""


@dataclass(frozen=True)
class Credentials:
    """The LWA app's client id and secret and the seller's refresh token (never printed)."""

    client_id: str
    client_secret: str
    refresh_token: str

    def __repr__(self) -> str:
        return "Credentials(***)"

    def values(self) -> tuple[str, str, str]:
        return (self.client_id, self.client_secret, self.refresh_token)


@dataclass(frozen=True)
class Endpoint:
    """Where the API and the LWA token service are: Amazon's, or another (the emulator)."""

    region: str
    api_url: str | None = None  # None: Amazon's endpoint for the region
    token_url: str | None = None  # None: https://api.amazon.com/auth/o2/token


@dataclass(frozen=True)
class _Marketplace:
    """What the client reads of a `Marketplaces` member, for an endpoint of our choosing."""

    endpoint: str
    marketplace_id: str
    region: str


class _TokenClient(AccessTokenClient):
    """The client's LWA token call, with tokens kept per refresh token until they expire, and
    dropped when the API says a token expired (the client's own cache would keep it)."""

    _tokens: ClassVar[dict[str, tuple[dict[str, Any], float]]] = {}

    def get_auth(self) -> AccessTokenResponse:
        key = self._get_cache_key()
        found = self._tokens.get(key)
        if found is None or found[1] <= time.monotonic():
            answer = self._request(self.scheme + self.host + self.path, self.data, self.headers)
            lifetime = float(answer.get("expires_in") or 3600)
            # Renew a minute early, so a token does not expire between check and call.
            found = (answer, time.monotonic() + max(lifetime - 60, 0))
            self._tokens[key] = found
        return AccessTokenResponse(**found[0])

    @classmethod
    def forget(cls, refresh_token: str) -> None:
        from sp_api.auth._core import build_cache_key

        cls._tokens.pop(build_cache_key(refresh_token), None)


def _token_client(token_url: str | None) -> type[AccessTokenClient]:
    if token_url is None:
        return _TokenClient
    parts = urlsplit(token_url)
    attributes = {"scheme": f"{parts.scheme}://", "host": parts.netloc, "path": parts.path}
    return type("LocalTokenClient", (_TokenClient,), attributes)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float = field(default_factory=time.monotonic)

    def wait(self) -> float:
        """Seconds to wait before the next request fits in the usage plan; takes it."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        pause = 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate
        self.tokens -= 1
        return pause


@dataclass
class Retry:
    attempts: int = 8  # per call
    backoff: float = 0.5  # seconds before the first retry of a 5xx or a dropped connection
    ceiling: float = 60.0  # no single wait longer than this
    timeout: float = 30.0  # seconds per HTTP request
    # Seconds before getReport is asked again, doubled each time (its plan allows 2 a second).
    poll: float = 0.5


class SpApi:
    """One account's connection to the API: the real client, paced and retried."""

    def __init__(
        self,
        account: str,
        credentials: Credentials,
        endpoint: Endpoint,
        marketplace_id: str | None = None,
        retry: Retry | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self._credentials = credentials
        self.endpoint = endpoint
        self.retry = retry or Retry()
        self._sleep = sleep
        member = Marketplaces[REGION_MARKETPLACE[endpoint.region]]
        self.marketplace = _Marketplace(
            endpoint.api_url or member.endpoint,
            marketplace_id or member.marketplace_id,
            member.region,
        )
        self._buckets = {
            op: _Bucket(plan.rate, plan.burst, plan.burst) for op, plan in USAGE_PLANS.items()
        }
        self.calls = 0
        self._clients: dict[tuple[str, tuple[Any, ...]], Client] = {}
        self.http = httpx.Client(timeout=self.retry.timeout)  # report documents' URLs

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self.http.close()

    def client(self, api: type[C], **kwargs: Any) -> C:
        """One client per API (and version) for this connection: each opens its own HTTP
        connection pool and reads the CA bundle, which costs more than a call."""
        key = (api.__name__, tuple(sorted(kwargs.items())))
        if key not in self._clients:
            self._clients[key] = self._new_client(api, **kwargs)
        return self._clients[key]

    def _new_client(self, api: type[C], **kwargs: Any) -> C:
        client_id, secret, refresh = self._credentials.values()
        return api(
            self.marketplace,  # any object with the three attributes will do
            refresh_token=refresh,
            credentials={"lwa_app_id": client_id, "lwa_client_secret": secret},
            timeout=self.retry.timeout,
            auth_token_client_class=_token_client(self.endpoint.token_url),
            **kwargs,
        )

    def call(self, operation: str, request: Callable[[], ApiResponse]) -> ApiResponse:
        """`request()` (one client call), paced and retried; SyncError when it cannot work."""
        refreshed = False
        for attempt in range(1, self.retry.attempts + 1):
            self.pause(self._buckets[operation].wait())
            self.calls += 1
            try:
                return request()
            except SellingApiRequestThrottledException as problem:
                rate = self._learn_rate(operation, problem.headers)
                wait = 1 / rate
                log.info("%s: %s throttled (429); retrying in %.2fs", self.account, operation, wait)
                self._buckets[operation].tokens = 0
                self.pause(wait)
            except _RETRY_SERVER as problem:
                self.backoff(operation, attempt, f"answered {problem.code}")
            except httpx.TransportError as problem:
                self.backoff(operation, attempt, f"connection failed ({type(problem).__name__})")
            except SellingApiForbiddenException as problem:
                if refreshed or not _expired(problem):
                    raise self._error(operation, problem) from None
                log.info(
                    "%s: %s: access token expired; fetching a new one", self.account, operation
                )
                _TokenClient.forget(self._credentials.refresh_token)
                refreshed = True
            except AuthorizationError as problem:
                raise SyncError(
                    f"account {self.account}: {operation}: Amazon refused the refresh token "
                    f"({problem.error_code}): it was revoked or is wrong; run "
                    f"`sellerhealth connect --account {self.account}` again"
                ) from None
            except SellingApiException as problem:
                raise self._error(operation, problem) from None
        raise SyncError(
            f"account {self.account}: {operation}: still failing after {self.retry.attempts} "
            "attempts; Amazon may be down or throttling hard: the next sync resumes from here"
        )

    def _learn_rate(self, operation: str, headers: Any) -> float:
        stated = (headers or {}).get("x-amzn-RateLimit-Limit")
        bucket = self._buckets[operation]
        try:
            rate = float(str(stated))
        except ValueError:
            return bucket.rate
        if rate > 0:
            bucket.rate = rate
        return bucket.rate

    def learn(self, operation: str, response: ApiResponse) -> ApiResponse:
        """Keep pace with the rate Amazon states on a good answer too."""
        self._learn_rate(operation, response.headers)
        return response

    def backoff(self, operation: str, attempt: int, what: str) -> None:
        wait = min(self.retry.ceiling, self.retry.backoff * 2 ** (attempt - 1))
        wait *= random.uniform(0.5, 1.0)  # jitter, not a secret
        log.info("%s: %s %s; retrying in %.2fs", self.account, operation, what, wait)
        self.pause(wait)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(min(seconds, self.retry.ceiling))

    def _error(self, operation: str, problem: SellingApiException) -> SyncError:
        message = getattr(problem, "message", None) or "no message"
        code = getattr(problem, "amzn_code", None) or problem.code
        advice = "check the call's parameters"
        if isinstance(problem, SellingApiForbiddenException):
            advice = (
                "the app is not authorised for this call or the seller revoked it; "
                f"run `sellerhealth connect --account {self.account}` again"
            )
        return SyncError(
            f"account {self.account}: {operation}: Amazon answered {problem.code} "
            f"{code}: {message}; {advice}"
        )


def _expired(problem: SellingApiForbiddenException) -> bool:
    text = " ".join(str(e.get("details", "")) + str(e.get("message", "")) for e in problem.error)
    return "expired" in text.lower()
