"""Finances API v0 `listFinancialEvents` responses (JSON): A-to-z claims and chargebacks.

Accepted shapes: a response `{"payload": {"FinancialEvents": {...}}}`, a bare
`{"FinancialEvents": {...}}`, or a list of such pages. Only two lists are read, and only as far
as they say (their events are ShipmentEvents: an order id and a posting time, no status):

- `GuaranteeClaimEventList`: Amazon debited the seller for an A-to-z claim, so the claim was
  granted; it is recorded as a claim on the posting day, status `granted`;
- `ChargebackEventList`: a chargeback was debited; the event does not say why (service or
  fraud) nor how it ended, so it is recorded as a `service` chargeback, `pending`, on the
  posting day: it counts, as Amazon counts an unresolved service chargeback, until a
  `chargebacks` file says otherwise.

An existing claim or chargeback row is never overwritten by these (a file knows more): the
import only adds rows and statuses it did not have. A pending claim, a denied or withdrawn
one, and a chargeback's reason and outcome are not in this API: file import covers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sellerhealth.domain.records import (
    Chargeback,
    ChargebackReason,
    ChargebackStatus,
    Claim,
    ClaimStatus,
    Record,
)
from sellerhealth.errors import RowError
from sellerhealth.ingest.base import ReadOptions, ReadResult
from sellerhealth.ingest.json_input import load_json
from sellerhealth.ingest.values import parse_day

# Only the key: a row already stored (from a richer file) keeps every one of its fields.
FIELDS = frozenset({"order_id"})
LISTS = ("GuaranteeClaimEventList", "ChargebackEventList")


def _pages(document: Any) -> list[Any]:
    return document if isinstance(document, list) else [document]


def _events(page: Any) -> dict[str, Any] | None:
    if not isinstance(page, dict):
        return None
    payload = page.get("payload", page)
    found = payload.get("FinancialEvents") if isinstance(payload, dict) else None
    return found if isinstance(found, dict) else None


def _record(name: str, event: Any, account: str) -> Record:
    if not isinstance(event, dict):
        raise ValueError("expected an event object")
    order_id = event.get("AmazonOrderId")
    if not isinstance(order_id, str) or not order_id.strip():
        raise ValueError("AmazonOrderId: is missing; a value is required")
    posted = event.get("PostedDate")
    if not isinstance(posted, str):
        raise ValueError("PostedDate: is missing; a value is required")
    try:
        day = parse_day(posted)
    except ValueError as problem:
        raise ValueError(f"PostedDate: {problem}") from None
    if name == "GuaranteeClaimEventList":
        return Claim(account, order_id.strip(), day, ClaimStatus.GRANTED, day)
    return Chargeback(
        account, order_id.strip(), day, ChargebackReason.SERVICE, ChargebackStatus.PENDING, day
    )


class AmazonFinancesImporter:
    kind = "amazon-finances"

    def identify(self, head: str) -> bool:
        return head.lstrip("\ufeff \t\r\n").startswith(("{", "[")) and '"FinancialEvents"' in head

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(kind=self.kind, path=str(path), fields=FIELDS)
        document, _text = load_json(path, result, options.encoding)
        if document is None:
            return result
        for number, page in enumerate(_pages(document), start=1):
            events = _events(page)
            if events is None:
                problem = "expected a listFinancialEvents response with FinancialEvents"
                result.errors.append(RowError(str(path), 1, f"page {number}", problem))
                continue
            for name in LISTS:
                for at, event in enumerate(events.get(name) or [], start=1):
                    result.rows += 1
                    try:
                        result.records.append(_record(name, event, options.account))
                    except ValueError as problem:
                        column = f"{name}[{at}]"
                        result.errors.append(RowError(str(path), 1, column, str(problem)))
        return result


AMAZON_FINANCES = AmazonFinancesImporter()
