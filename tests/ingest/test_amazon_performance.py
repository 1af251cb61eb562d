import json
from datetime import date
from pathlib import Path

from sellerhealth.domain.amazon_report import (
    amazon_ahr,
    amazon_odr,
    amazon_statuses,
    latest_reporting_day,
    report_day,
)
from sellerhealth.domain.records import PerformanceSnapshot
from sellerhealth.ingest.amazon_performance import AMAZON_PERFORMANCE
from sellerhealth.ingest.base import ReadOptions

DATA = Path(__file__).parent.parent / "data" / "amazon"
US, CA, DE = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1PA6795UKMFR9"


def test_snapshot_dated_by_the_latest_reporting_day():
    result = AMAZON_PERFORMANCE.read(DATA / "performance.json", ReadOptions(account="acme"))

    assert result.errors == []
    (snapshot,) = result.records
    assert isinstance(snapshot, PerformanceSnapshot)
    assert snapshot.account == "acme"
    # lateShipmentRate runs to 2026-03-15T23:59Z, later than ODR (03-01) and AHR (03-14).
    assert snapshot.report_date == date(2026, 3, 15)
    assert snapshot.document == json.loads((DATA / "performance.json").read_text())


def test_report_date_option_wins():
    options = ReadOptions(report_date=date(2026, 3, 20))
    (snapshot,) = AMAZON_PERFORMANCE.read(DATA / "performance.json", options).records

    assert snapshot.report_date == date(2026, 3, 20)


def test_missing_dates_need_report_date(tmp_path):
    path = tmp_path / "report.json"
    path.write_text('{"accountStatuses": [], "performanceMetrics": [{"orderDefectRate": {}}]}')

    result = AMAZON_PERFORMANCE.read(path, ReadOptions())

    assert result.records == []
    assert [str(e) for e in result.errors] == [
        f"{path}:1: reportingDateTo: no reportingDateTo in performanceMetrics; pass --report-date"
    ]
    options = ReadOptions(report_date=date(2026, 3, 1))
    assert len(AMAZON_PERFORMANCE.read(path, options).records) == 1


def test_bad_json_names_its_line_and_column(tmp_path):
    path = tmp_path / "report.json"
    path.write_text(
        '{\n  "accountStatuses": [],\n  "performanceMetrics": [\n    {"a": 1,}\n  ]\n}\n'
    )

    result = AMAZON_PERFORMANCE.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:4: json: invalid JSON: Expecting property name enclosed in double quotes"
        " at column 13"
    ]


def test_a_document_that_is_not_an_object(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("[1, 2]")

    (error,) = AMAZON_PERFORMANCE.read(path, ReadOptions()).errors

    assert (error.line, error.column) == (1, "json")


def test_identify():
    assert AMAZON_PERFORMANCE.identify('\ufeff{\n  "performanceMetrics": [')
    assert AMAZON_PERFORMANCE.identify('{"accountStatuses": [{"marketplaceId": "A')
    assert not AMAZON_PERFORMANCE.identify('{"payload": {"Orders": []}}')
    assert not AMAZON_PERFORMANCE.identify('order_id,note\n1,"performanceMetrics"\n')


def test_amazon_odr_per_channel():
    document = json.loads((DATA / "performance.json").read_text())

    odr = amazon_odr(document, US)

    assert odr["mfn"] == {
        "rate": 0.015,
        "orderCount": 800,
        "orderWithDefects": 12,
        "negativeFeedback": 9,
        "claims": 3,
        "chargebacks": 1,
        "status": "BAD",
        "reportingDateFrom": date(2026, 1, 1),
        "reportingDateTo": date(2026, 3, 1),
    }
    assert odr["afn"]["rate"] == 0.002
    assert odr["afn"]["orderCount"] == 500
    assert odr["afn"]["orderWithDefects"] is None  # absent in this report
    assert odr["afn"]["reportingDateTo"] is None
    assert amazon_odr(document, CA) == {}  # no orderDefectRate for that marketplace
    assert amazon_odr(document, DE) == {}  # not in the report at all


def test_amazon_statuses_and_ahr():
    document = json.loads((DATA / "performance.json").read_text())

    assert amazon_statuses(document) == {US: "AT_RISK", CA: "NORMAL"}
    assert amazon_ahr(document, US) == (428, "GREAT")
    assert amazon_ahr(document, CA) == (None, "WARNED")  # the schema's name for the status
    assert amazon_ahr(document, DE) == (None, None)


def test_helpers_survive_missing_keys_and_wrong_types():
    document = json.loads((DATA / "performance-minimal.json").read_text())

    # One entry without a marketplaceId is taken as the marketplace asked about.
    assert amazon_odr(document, US) == {
        "mfn": {
            "rate": None,
            "orderCount": None,
            "orderWithDefects": None,
            "negativeFeedback": None,
            "claims": None,
            "chargebacks": None,
            "status": None,
            "reportingDateFrom": None,
            "reportingDateTo": None,
        }
    }
    assert amazon_ahr(document, US) == (None, None)  # ahrScore: true is not a score
    assert amazon_statuses(document) == {}
    assert latest_reporting_day(document) is None
    for empty in ({}, [], None, "x", {"performanceMetrics": "x", "accountStatuses": {}}):
        assert amazon_odr(empty, US) == {}  # type: ignore[arg-type]
        assert amazon_ahr(empty, US) == (None, None)  # type: ignore[arg-type]
        assert amazon_statuses(empty) == {}  # type: ignore[arg-type]
        assert latest_reporting_day(empty) is None  # type: ignore[arg-type]


def test_minimal_report_still_imports_with_report_date():
    options = ReadOptions(report_date=date(2026, 3, 1))
    result = AMAZON_PERFORMANCE.read(DATA / "performance-minimal.json", options)

    assert result.errors == []
    assert [s.report_date for s in result.records] == [date(2026, 3, 1)]  # type: ignore[union-attr]


def test_report_day_formats():
    assert report_day("2020-11-04T23:59Z") == date(2020, 11, 4)
    assert report_day("2020-11-04T23:59:59Z") == date(2020, 11, 4)
    assert report_day("2020-11-04T23:59:59-08:00") == date(2020, 11, 5)
    assert report_day("2020-11-04") == date(2020, 11, 4)
    assert report_day("yesterday") is None
    assert report_day(20201104) is None
