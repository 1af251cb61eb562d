"""Every Amazon marketplace: its id, store domain, region, report date format and policy.

Sources:
- ids, country codes and regions: Amazon's published table, "Marketplace IDs", SP-API
  documentation, https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
- the feedback report's date format per marketplace (GET_SELLER_FEEDBACK_DATA writes dates in
  the marketplace's locale): Airbyte's Amazon Seller Partner connector,
  `SellerFeedbackReportsTypeTransformer.MARKETPLACE_DATE_FORMAT_MAP` and its tests
  (airbytehq/airbyte, airbyte-integrations/connectors/source-amazon-seller-partner). Amazon
  documents no format; that map is the one public record, and South Africa is not in it, so
  its format is unknown (None) and a South African file's dates must tell their own order.

Multi-Channel Fulfillment orders placed on other sites carry `Non-Amazon` or an internal
`SI <country> Prod Marketplace` name as their sales channel: they are not Amazon orders, and
`is_outside_amazon` says so (SP-API "Non-Amazon" marketplaces, e.g. "Germany - Non-Amazon",
are listed in the @bizon/amazon-ids package's marketplace table).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Marketplace:
    code: str  # Amazon's country code: US, UK, DE, JP, ...
    marketplace_id: str
    domain: str  # the store, as the orders report's `sales-channel` spells it (lower case)
    region: str  # the SP-API region: na (North America), eu (Europe), fe (Far East)
    date_format: str | None  # the feedback report's date format; None where not known
    policy: str  # the policy file (policies/) that holds this store's rules


DEFAULT_POLICY = "amazon-us-2026"  # an account with no orders yet, or in no known marketplace

# The feedback report's date formats (keys of domain.dates.FORMATS).
US_DATES, EU_DATES, DE_DATES, JP_DATES, ISO_DATES = (
    "M/D/YY",
    "D/M/YY",
    "D.M.YY",
    "YY/M/D",
    "YYYY-MM-DD",
)

MARKETPLACES: tuple[Marketplace, ...] = (
    Marketplace("US", "ATVPDKIKX0DER", "amazon.com", "na", US_DATES, "amazon-us-2026"),
    Marketplace("CA", "A2EUQ1WTGCTBG2", "amazon.ca", "na", EU_DATES, "amazon-global-2026"),
    Marketplace("MX", "A1AM78C64UM0Y8", "amazon.com.mx", "na", EU_DATES, "amazon-global-2026"),
    Marketplace("BR", "A2Q3Y263D00KWC", "amazon.com.br", "na", EU_DATES, "amazon-global-2026"),
    Marketplace("IE", "A28R8C7NBKEWEA", "amazon.ie", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "amazon.es", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("UK", "A1F83G8C2ARO7P", "amazon.co.uk", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("FR", "A13V1IB3VIYZZH", "amazon.fr", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("BE", "AMEN7PMS3EDWL", "amazon.com.be", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("NL", "A1805IZSGTT6HS", "amazon.nl", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("DE", "A1PA6795UKMFR9", "amazon.de", "eu", DE_DATES, "amazon-eu-2026"),
    Marketplace("IT", "APJ6JRA9NG5V4", "amazon.it", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("SE", "A2NODRKZP88ZB9", "amazon.se", "eu", ISO_DATES, "amazon-eu-2026"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "amazon.pl", "eu", EU_DATES, "amazon-eu-2026"),
    Marketplace("TR", "A33AVAJ2PDY3EV", "amazon.com.tr", "eu", EU_DATES, "amazon-eu-2026"),
    # Served from the EU region endpoint, but not European stores: the EU-only rules (the
    # invoice defect rate) are not theirs.
    Marketplace("ZA", "AE08WJ6YKNBMC", "amazon.co.za", "eu", None, "amazon-global-2026"),
    Marketplace("EG", "ARBP9OOSHTCHU", "amazon.eg", "eu", EU_DATES, "amazon-global-2026"),
    Marketplace("SA", "A17E79C6D8DWNP", "amazon.sa", "eu", EU_DATES, "amazon-global-2026"),
    Marketplace("AE", "A2VIGQ35RCS4UG", "amazon.ae", "eu", EU_DATES, "amazon-global-2026"),
    Marketplace("IN", "A21TJRUUN4KGV", "amazon.in", "eu", EU_DATES, "amazon-global-2026"),
    Marketplace("SG", "A19VAU5U5O7RUS", "amazon.sg", "fe", EU_DATES, "amazon-global-2026"),
    Marketplace("AU", "A39IBJ37TRP1C6", "amazon.com.au", "fe", EU_DATES, "amazon-global-2026"),
    Marketplace("JP", "A1VC38T7YXB528", "amazon.co.jp", "fe", JP_DATES, "amazon-jp-2026"),
)

BY_ID = {m.marketplace_id: m for m in MARKETPLACES}
BY_DOMAIN = {m.domain: m for m in MARKETPLACES}
_BY_CODE = {m.code.lower(): m for m in MARKETPLACES} | {"gb": BY_DOMAIN["amazon.co.uk"]}

# Multi-Channel Fulfillment's channel names for orders from other sites: `Non-Amazon`
# (optionally with its country, `Non-Amazon UK`) and `SI UK Prod Marketplace`-style names.
_OUTSIDE_AMAZON = re.compile(r"^(?:non-amazon\b.*|si\s+\w+(?:\s+\w+)*\s+prod\s+marketplace)$")


def is_outside_amazon(sales_channel: str) -> bool:
    """True for an orders report's sales channel that is not an Amazon store (MCF orders)."""
    return bool(_OUTSIDE_AMAZON.match(" ".join(sales_channel.strip().lower().split())))


def find_marketplace(text: str) -> Marketplace:
    """A marketplace from its id (A1F83G8C2ARO7P), code (UK) or domain (amazon.co.uk)."""
    key = text.strip()
    found = BY_ID.get(key.upper()) or _BY_CODE.get(key.lower())
    if found is None:
        domain = key.lower().removeprefix("https://").removeprefix("www.").rstrip("/")
        found = BY_DOMAIN.get(domain) or BY_DOMAIN.get(f"amazon.{domain}")
    if found is None:
        raise ValueError(
            f"unknown marketplace {text!r}; expected an id, a country code or a domain, one of: "
            + ", ".join(f"{m.code} ({m.domain})" for m in MARKETPLACES)
        )
    return found


def policy_for_account(marketplace_orders: Mapping[str, int]) -> str:
    """The policy of the marketplace the account has most orders in (DEFAULT_POLICY with none).

    An account is one seller in one marketplace (SPEC 2); one selling in several regions gets
    the rules of the region most of its orders are in, ties broken by the policy's name.
    """
    votes: dict[str, int] = {}
    for marketplace_id, orders in marketplace_orders.items():
        found = BY_ID.get(marketplace_id)
        name = found.policy if found else DEFAULT_POLICY
        votes[name] = votes.get(name, 0) + orders
    if not votes:
        return DEFAULT_POLICY
    return min(votes, key=lambda name: (-votes[name], name))
