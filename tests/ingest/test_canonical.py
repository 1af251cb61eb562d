from datetime import UTC, date, datetime
from pathlib import Path

from sellerhealth.domain.records import (
    Channel,
    Claim,
    ClaimStatus,
    Feedback,
    Order,
    TrackingEvent,
    TrackingStatus,
)
from sellerhealth.ingest.base import ReadOptions
from sellerhealth.ingest.canonical import (
    CHARGEBACKS,
    CLAIMS,
    FEEDBACK,
    MESSAGES,
    ORDERS,
    TRACKING_EVENTS,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.csv"
    path.write_text(text)
    return path


def test_orders_read_with_defaults_and_offsets(tmp_path):
    path = write(
        tmp_path,
        "Fulfillment_Channel,order_id,purchase_date,units,ignored\n"
        "mfn,A-1,2026-03-01T17:05:00-08:00,2,x\n"
        "AFN,A-2,2026-03-01,,\n",
    )
    result = ORDERS.read(path, ReadOptions(account="acme"))

    assert result.errors == []
    assert result.records == [
        Order("acme", "A-1", date(2026, 3, 2), Channel.MFN, units=2),
        Order("acme", "A-2", date(2026, 3, 1), Channel.AFN),
    ]


def test_rating_out_of_range(tmp_path):
    path = write(tmp_path, "order_id,feedback_date,rating\nA-1,2026-03-01,7\nA-2,2026-03-01,1\n")

    result = FEEDBACK.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:2: rating: 7 is out of range; expected 1 to 5"
    ]
    assert result.records == [Feedback("default", "A-2", date(2026, 3, 1), 1)]


def test_unknown_claim_status(tmp_path):
    path = write(
        tmp_path, "order_id,claim_date,status\nA-1,2026-03-01,appealed\nA-2,2026-03-02,Granted\n"
    )

    result = CLAIMS.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:2: status: unknown value 'appealed'; expected one of: pending, granted, refunded,"
        " order_cancelled, denied, withdrawn, reversed"
    ]
    assert result.records == [Claim("default", "A-2", date(2026, 3, 2), ClaimStatus.GRANTED)]


def test_unparsable_dates(tmp_path):
    path = write(
        tmp_path,
        "order_id,chargeback_date,reason,status_date\n"
        "A-1,03/01/2026,service,\n"
        "A-2,2026-03-01,fraud,2026-02-01\n",
    )

    result = CHARGEBACKS.read(path, ReadOptions())

    assert [str(e) for e in result.errors] == [
        f"{path}:2: chargeback_date: '03/01/2026' is not an ISO 8601 date or time;"
        " write 2026-03-01 or 2026-03-01T17:05:00-08:00",
        f"{path}:3: status_date: 2026-02-01 is before chargeback_date 2026-03-01",
    ]
    assert result.records == []


def test_one_row_reports_every_bad_cell_and_quoted_lines_keep_their_numbers(tmp_path):
    path = write(
        tmp_path,
        'tracking_id,event_time,status,location\nT-1,2026-03-01T10:00:00Z,delivered,"Porch,\n'
        'back door"\nT-2,noon,lost,\n',
    )

    result = TRACKING_EVENTS.read(path, ReadOptions())

    assert [(e.line, e.column) for e in result.errors] == [(4, "event_time"), (4, "status")]
    assert result.records == [
        TrackingEvent(
            "default",
            "T-1",
            datetime(2026, 3, 1, 10, tzinfo=UTC),
            TrackingStatus.DELIVERED,
            "Porch,\nback door",
        )
    ]


def test_empty_required_cell(tmp_path):
    path = write(tmp_path, "message_id,received_at\n,2026-03-01T10:00:00Z\n")

    (error,) = MESSAGES.read(path, ReadOptions()).errors

    assert str(error) == f"{path}:2: message_id: is empty; a value is required"
