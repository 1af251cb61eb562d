"""Bad input in one of several files: all files of one command are one transaction, so a
refused or failing second file stores nothing of the first.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

from tests.ingest.bad_input_cases import HEADER_ORDERS, refused, write

from sellerhealth.store.store import Store


def test_a_refused_second_file_stores_nothing_of_the_first(cli, target, tmp_path):
    good = write(tmp_path / "good.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    bad = write(tmp_path / "bad.csv", HEADER_ORDERS + "o2,2026-05-01,MFN,-1\n")
    refused(
        cli,
        target,
        good,
        f"{bad}:2: units: -1 is out of range; expected 1 to 1,000,000,000",
        extra=(str(bad),),
    )


def test_a_store_failure_on_the_second_file_rolls_back_the_first(
    cli, target, tmp_path, monkeypatch
):
    """The store refusing a value of the second file (what the checks let through, if any)
    undoes the first file too: all files of one command are one transaction."""
    from sellerhealth.errors import StoreValueError

    good = write(tmp_path / "good.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    second = write(tmp_path / "second.csv", HEADER_ORDERS + "o2,2026-05-01,MFN,1\n")
    real = Store.import_records
    calls = []

    def failing(self, records, source=None, fields=None):
        calls.append(source)
        if len(calls) == 2:
            real(self, records, source, fields)  # written, then refused: must be undone
            raise StoreValueError("the store refused a value: test")
        return real(self, records, source, fields)

    monkeypatch.setattr(Store, "import_records", failing)
    refused(
        cli,
        target,
        good,
        f"{second}: the store refused a value: test; nothing was imported",
        extra=(str(second),),
    )
