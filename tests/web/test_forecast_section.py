"""The account page's ODR forecast section: the banner and the table name the same first
likely breach day, and "back on target" is said only of a channel that is off target."""

from __future__ import annotations

import re

from .conftest import AS_OF, DEMO_ACCOUNT


def test_the_banner_and_the_table_name_the_same_breach_day(client):
    page = client.get(f"/accounts/{DEMO_ACCOUNT}", params={"as_of": AS_OF}).text
    summary = client.get(f"/api/accounts/{DEMO_ACCOUNT}/forecast", params={"as_of": AS_OF})
    assert summary.status_code == 200, summary.text
    channels = summary.json()["channels"]
    banners = re.findall(r"(\w+) ODR likely at or above [\d.]+% *\n? *from (\S+) ", page)
    table = re.findall(r'data-testid="likely-bad-from">([^<]*)<', page)
    assert banners, "the demo's MFN channel breaches within 30 days"
    for _channel, day in banners:
        assert day in table
    assert len(table) == 2
    for channel in channels.values():
        warning = channel["breachWarning"]
        assert (warning["day"] if warning else "-") in table
        if channel["projectedBadFrom"] is None:
            assert channel["backOnTarget"] is None
