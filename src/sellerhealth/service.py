"""The use cases the faces call: import files, compute the report, manage account settings.

Each function takes the store and plain values and returns plain values; the CLI and the web
layer only parse arguments and print.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sellerhealth.domain import records as r
from sellerhealth.domain.compliance import account_health_rating, policy_compliance
from sellerhealth.domain.contact import contact_response
from sellerhealth.domain.metrics import OdrMetric
from sellerhealth.domain.odr import compute_odr
from sellerhealth.domain.policy import Policy
from sellerhealth.domain.records import Channel
from sellerhealth.domain.report import MarketplaceHealth, build_report
from sellerhealth.domain.shipping import (
    cancellation_rate,
    late_shipment,
    on_time_delivery,
    valid_tracking,
)
from sellerhealth.engine.odr import OdrKey, odr_metric, odr_series
from sellerhealth.engine.session import engine_for
from sellerhealth.errors import InputError, RowError
from sellerhealth.ingest.base import ReadOptions, ReadResult
from sellerhealth.ingest.registry import read_file
from sellerhealth.policy_files import load_policy
from sellerhealth.store.store import ImportSource, ImportSummary, Store


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    kind: str
    rows: int
    summary: ImportSummary
    rejected: int = 0
    rejects_file: Path | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_rejects(result: ReadResult) -> Path:
    """The rejected rows, each with its reasons, in a CSV beside the input."""
    path = Path(f"{result.path}.rejects.csv")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "problems", *result.header])
        for row in result.rejected:
            problems = "; ".join(f"{e.column}: {e.problem}" for e in row.errors)
            writer.writerow([row.line, problems, *row.cells])
    return path


def import_files(
    store: Store,
    paths: list[Path],
    options: ReadOptions,
    kind: str | None = None,
    skip_bad_rows: bool = False,
) -> list[ImportOutcome]:
    """Read every file first; store nothing if any has a bad row (unless skipping them)."""
    results = [read_file(path, options, kind) for path in paths]
    errors: list[RowError] = [e for result in results for e in result.errors]
    file_level = [e for result in results for e in _file_level_errors(result)]
    if errors and (not skip_bad_rows or file_level):
        shown = file_level if skip_bad_rows else errors
        advice = "" if skip_bad_rows else ", or pass --skip-bad-rows to import the good rows"
        raise InputError(f"nothing was imported: fix the {len(shown)} problem(s) above{advice}", shown)
    outcomes = []
    for path, result in zip(paths, results, strict=True):
        rejects = write_rejects(result) if result.rejected else None
        source = ImportSource(str(path), result.kind, options.account, _sha256(path), result.rows)
        summary = store.import_records(result.records, source, result.fields)
        outcomes.append(
            ImportOutcome(path, result.kind, result.rows, summary, len(result.rejected), rejects)
        )
    return outcomes


def _file_level_errors(result: ReadResult) -> list[RowError]:
    """Problems that are not one row's (a missing column, unreadable JSON): no row to skip."""
    row_lines = {row.line for row in result.rejected}
    return [e for e in result.errors if e.line not in row_lines]


def _policy_for(store: Store, account: str, policy: Policy | None) -> tuple[r.AccountSettings, Policy]:
    settings = store.account(account)
    return settings, policy or load_policy(settings.policy)


def marketplace_health(
    store: Store, settings: r.AccountSettings, as_of: date, policy: Policy
) -> list[MarketplaceHealth]:
    """Every metric for one account per marketplace it sells in, as of `as_of`."""
    account = settings.account
    orders = store.records(r.Order, account)
    marketplaces = sorted({o.marketplace_id for o in orders}) or [r.DEFAULT_MARKETPLACE]
    business = frozenset({account}) if settings.is_business else frozenset()
    odr = odr_series(engine_for(store, account), as_of, as_of, policy, business)
    feedback = store.records(r.Feedback, account)
    claims = store.records(r.Claim, account)
    chargebacks = store.records(r.Chargeback, account)
    shipments = store.records(r.Shipment, account)
    cancellations = store.records(r.Cancellation, account)
    violations = store.records(r.Violation, account)
    messages = store.records(r.BuyerMessage, account)
    healths = []
    for marketplace in marketplaces:
        mine = [o for o in orders if o.marketplace_id == marketplace]
        # The figures come from the engine; the defective order ids (evidence) from the rules.
        evidence = compute_odr(mine, feedback, claims, chargebacks, as_of, policy, settings.is_business)
        by_channel = {}
        for channel in Channel:
            computed = odr.get(OdrKey(account, marketplace, channel, as_of)) or odr_metric(
                channel, as_of, {}, policy, settings.is_business
            )
            by_channel[channel] = _with_evidence(computed, evidence[channel].defective_order_ids)
        healths.append(
            MarketplaceHealth(
                marketplace_id=marketplace,
                odr=by_channel,
                late_shipment=tuple(
                    late_shipment(mine, shipments, as_of, policy, is_business=settings.is_business)
                ),
                cancellation=cancellation_rate(
                    mine, cancellations, shipments, as_of, policy, is_business=settings.is_business
                ),
                valid_tracking=tuple(valid_tracking(mine, shipments, as_of, policy)),
                on_time_delivery=on_time_delivery(mine, shipments, as_of, policy),
                contact_response=contact_response(messages, as_of, policy),
                compliance=policy_compliance(violations, as_of, policy),
                ahr=account_health_rating(mine, violations, as_of, policy),
            )
        )
    return healths


def _with_evidence(metric: OdrMetric, ids: tuple[str, ...]) -> OdrMetric:
    return replace(metric, defective_order_ids=ids)


def report(
    store: Store, account: str, as_of: date, policy: Policy | None = None
) -> dict[str, Any]:
    """The report document (Amazon's performance report shape) for one account."""
    settings, policy = _policy_for(store, account, policy)
    healths = marketplace_health(store, settings, as_of, policy)
    snapshots = [s for s in store.snapshots(account) if s.report_date <= as_of]
    return build_report(settings, as_of, policy, healths, snapshots[-1] if snapshots else None)
