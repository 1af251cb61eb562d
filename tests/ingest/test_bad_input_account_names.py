"""Bad input, account names: a bad one is refused by every command, a good one is kept as
written and has a working dashboard address.
Through the real command line on both stores (helpers: tests/ingest/bad_input_cases.py)."""

from __future__ import annotations

import pytest
from tests.ingest.bad_input_cases import HEADER_ORDERS, refused, stored, write
from tests.store_dump import dump

BAD_NAMES = ["", "   ", "x" * 100_000, "../../etc/passwd", "a/b", ".hidden", "tab\there"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_account_name_is_refused_everywhere(cli, target, tmp_path, name):
    path = write(tmp_path / "o.csv", "account," + HEADER_ORDERS + f"{name},o1,2026-05-01,MFN,1\n")
    before = dump(target)
    for args in (("import", str(path), "--account", name), ("account", "set", name)):
        code, _out, err = cli("--db", target, *args)
        assert code == 2, err
        assert "is not an account name; use 1 to 64 characters" in err
        assert len(err) < 400
    if name.strip():  # a blank account cell means the command's account
        err = refused(cli, target, path)
        assert f"{path}:2: account: " in err
    assert dump(target) == before


def test_a_good_account_name_is_kept_as_written(cli, target, tmp_path):
    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    code, _out, err = cli("--db", target, "import", str(path), "--account", "Acme EU.de_2@x-1")
    assert code == 0, err
    assert stored(target, "SELECT account FROM orders") == [("Acme EU.de_2@x-1",)]


def test_every_allowed_account_name_has_a_working_dashboard_address(cli, target, tmp_path):
    import re
    import warnings

    from sellerhealth.web import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    path = write(tmp_path / "o.csv", HEADER_ORDERS + "o1,2026-05-01,MFN,1\n")
    code, _out, err = cli("--db", target, "import", str(path), "--account", "Acme EU@x.de")
    assert code == 0, err
    with TestClient(create_app(target)) as client:
        links = re.findall(r'href="(/accounts/[^"?]+)["?]', client.get("/").text)
        assert links == ["/accounts/Acme%20EU%40x.de"]
        assert client.get(links[0], params={"as_of": "2026-05-20"}).status_code == 200
