"""Amazon's own account health view, GET_V2_SELLER_PERFORMANCE_REPORT (JSON).

The document is kept whole as a dated `PerformanceSnapshot`: Amazon returns only the current
windows, so snapshots are the only history there is (reference section 6.1). Nothing in it is
required; `sellerhealth.domain.amazon_report` reads it defensively.
"""

from __future__ import annotations

from pathlib import Path

from sellerhealth.domain.amazon_report import latest_reporting_day
from sellerhealth.domain.records import PerformanceSnapshot
from sellerhealth.errors import RowError
from sellerhealth.ingest.base import ReadOptions, ReadResult
from sellerhealth.ingest.json_input import load_json
from sellerhealth.ingest.values import in_record_range

_KEYS = ('"performanceMetrics"', '"accountStatuses"')


class AmazonPerformanceImporter:
    kind = "amazon-performance"

    def identify(self, head: str) -> bool:
        return head.lstrip("\ufeff \t\r\n").startswith("{") and any(key in head for key in _KEYS)

    def read(self, path: Path, options: ReadOptions) -> ReadResult:
        result = ReadResult(kind=self.kind, path=str(path))
        document, _text = load_json(path, result, options.encoding)
        if document is None:
            return result
        if not isinstance(document, dict):
            problem = "expected a JSON object with performanceMetrics and accountStatuses"
            result.errors.append(RowError(str(path), 1, "json", problem))
            return result
        result.rows = 1
        report_date = options.report_date or latest_reporting_day(document)
        if report_date is None:
            problem = "no reportingDateTo in performanceMetrics; pass --report-date"
            result.errors.append(RowError(str(path), 1, "reportingDateTo", problem))
            return result
        try:  # a snapshot dated 9999-12-31 would be the account's latest for ever
            in_record_range(report_date)
        except ValueError as problem:
            result.errors.append(RowError(str(path), 1, "reportingDateTo", str(problem)))
            return result
        snapshot = PerformanceSnapshot(options.account, report_date, document)
        result.records.append(snapshot)
        return result


AMAZON_PERFORMANCE = AmazonPerformanceImporter()
