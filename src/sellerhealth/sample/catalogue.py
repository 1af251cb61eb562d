"""The seller's world: what it sells, where its buyers live, what they write."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    asin: str
    category: str
    price: float
    channels: str  # "AFN", "MFN" or "both": heavy items are shipped by the seller
    weight: int
    noun: str
    name: str


# sku | asin | category | price | channels | popularity | what buyers call it;
# then, indented, the listing title
_CATALOGUE_TABLE = """
NF-SPAT-SET5|B0C4R7KX2M|Home & Kitchen|12.99|both|9|spatula set
    Northfield Silicone Spatula Set, 5 Piece, Heat Resistant, Sage Green
NF-CIS-10|B0BX93TQ4N|Home & Kitchen|27.99|MFN|6|skillet
    Northfield Pre-Seasoned Cast Iron Skillet, 10 Inch
NF-BCB-3PK|B0C1M5ZD7P|Home & Kitchen|24.99|both|7|cutting board
    Northfield Bamboo Cutting Board Set of 3 with Juice Groove
NF-KTL-GN1L|B0CJ2W8V6R|Home & Kitchen|34.99|both|5|kettle
    Northfield Gooseneck Pour Over Kettle, 1 Liter, Stainless Steel
NF-PLW-LIN2|B0B8T4H2QS|Home & Kitchen|19.99|AFN|5|pillow cover
    Northfield Linen Throw Pillow Covers 18x18, Set of 2, Oatmeal
NF-CRT-BLK84|B0C9F6N3XT|Home & Kitchen|32.99|MFN|4|curtain set
    Northfield Blackout Curtains 84 Inch, 2 Panels, Charcoal
NF-BTL-32OZ|B0BQ7L1K9V|Sports & Outdoors|21.99|AFN|10|water bottle
    Northfield Insulated Water Bottle 32 oz, Leakproof Lid, Black
NF-YGM-6MM|B0C2D9R5MW|Sports & Outdoors|29.99|both|6|yoga mat
    Northfield Non-Slip Yoga Mat 6mm with Carry Strap, Dusty Blue
NF-RBS-5LV|B0BZ4K8P1X|Sports & Outdoors|18.99|both|6|band set
    Northfield Resistance Bands Set, 5 Levels, with Door Anchor
NF-KBL-25LB|B0C6H3V7QY|Sports & Outdoors|44.99|MFN|3|kettlebell
    Northfield Cast Iron Kettlebell, 25 lb
NF-SFB-LG|B0B5W2J6TZ|Pet Supplies|15.99|AFN|7|dog bowl
    Northfield Slow Feeder Dog Bowl, Large, Anti-Gulping
NF-CSP-32|B0C3N8X1RA|Pet Supplies|39.99|MFN|4|scratching post
    Northfield Cat Scratching Post 32 Inch, Natural Sisal Rope
NF-WBG-360|B0BT6Q9M4B|Pet Supplies|13.49|AFN|8|bag dispenser
    Northfield Dog Poop Bags, 360 Count, Unscented, with Dispenser
NF-LMP-LED|B0C8K5P2WC|Tools & Home Improvement|26.99|both|5|desk lamp
    Northfield LED Desk Lamp with USB Charging Port, Dimmable
NF-HKS-20PK|B0BV1R7T3D|Tools & Home Improvement|9.99|both|6|hook set
    Northfield Adhesive Wall Hooks, 20 Pack, Heavy Duty
"""

# city | state | postal code | sales tax rate (fake addresses: the importer never reads them)
_CITIES_TABLE = """
Austin|TX|78704|0.0825
Columbus|OH|43215|0.075
Denver|CO|80203|0.0881
Portland|OR|97214|0.0
Sacramento|CA|95816|0.0875
Phoenix|AZ|85016|0.086
Atlanta|GA|30306|0.089
Charlotte|NC|28203|0.0725
Minneapolis|MN|55408|0.0803
Madison|WI|53703|0.055
Tampa|FL|33606|0.075
Nashville|TN|37203|0.0925
Boise|ID|83702|0.06
Pittsburgh|PA|15213|0.07
Raleigh|NC|27601|0.0725
Spokane|WA|99201|0.09
Albany|NY|12203|0.08
Richmond|VA|23220|0.053
Omaha|NE|68102|0.07
Louisville|KY|40204|0.06
"""

ORIGIN = "RENO, NV US"  # the seller's own warehouse, where every MFN parcel starts
HUBS = (
    "SPARKS, NV US",
    "SACRAMENTO, CA US",
    "SALT LAKE CITY, UT US",
    "DENVER, CO US",
    "KANSAS CITY, MO US",
    "MEMPHIS, TN US",
    "LOUISVILLE, KY US",
    "INDIANAPOLIS, IN US",
    "DALLAS, TX US",
    "CHICAGO, IL US",
)

# Feedback comments by the kind a triage must tell apart (amazon-policy.md 1.3, 5.4).
COMMENTS: dict[str, tuple[str, ...]] = {
    "product": (  # only about the product: not the seller's service
        "The {item} broke after two weeks of normal use. Very poor quality.",
        "The {item} looks nothing like the photos, the color is way off.",
        "Cheaply made {item}. Not worth the money at all.",
        "The {item} stopped working after a few days.",
        "Smaller than described and the {item} feels flimsy.",
        "The {item} had a crack right out of the box.",
    ),
    "fba_delivery": (  # delivery by Amazon's network on an FBA order
        "Package arrived 4 days late and the box was crushed.",
        "Never received it. Tracking says delivered but nothing was at my door.",
        "Driver left the box in the rain, the package was soaked.",
        "Paid for Prime two day shipping and it took a week to get here.",
    ),
    "amazon_service": (  # Amazon's customer service on an FBA order
        "Amazon customer service was useless, it took three calls to get a return label.",
        "Returned it through Amazon and the refund took three weeks to show up.",
        "Chat support kept transferring me and nobody could tell me where my package was.",
    ),
    "seller_service": (
        "Seller never answered my messages about a missing part.",
        "Asked for a replacement and the seller told me to return it at my own cost. Terrible.",
        "Sent three messages to the seller about the wrong size, no answer in over a week.",
        "Seller promised a refund and never sent it.",
    ),
    "mixed": (  # product and service: no part of it may be removed
        "The {item} arrived damaged and the seller took a week to answer me.",
        "Poor quality {item} and the seller refused to refund the shipping.",
        "Arrived late and the {item} was scratched. Will not order from this seller again.",
    ),
    "mixed_afn": (
        "Arrived two days late and the {item} was already cracked.",
        "Box was crushed and the {item} inside was bent. Cheap anyway.",
    ),
    "profanity": (
        "What a piece of shit. The {item} fell apart the first time I used it.",
        "Damn {item} broke in two days, total crap.",
        "This {item} is crap and the seller is full of crap too.",
    ),
    "personal_info": (  # the seller's own staff, named with an e-mail address or phone number
        "Emailed Mike at mike.r@northfieldgoods.com three times about my refund and got nothing.",
        "Called their support line at 775-555-0142 and Jenna hung up on me.",
        "Contact jenna.k@northfieldgoods.com if you want to waste your time. Never fixed it.",
    ),
    "late_mfn": (  # the seller shipped it: late delivery is the seller's defect
        "Took 12 days to arrive, way past the delivery date.",
        "Shipped late and arrived after my daughter's birthday. Useless.",
        "Order sat for days before it even shipped. Arrived a week late.",
        "Tracking did not update for 5 days and the package came late.",
    ),
    "neutral": (
        "It's okay. The {item} works but feels a bit flimsy.",
        "Arrived on time, the {item} is average for the price.",
        "Smaller than I expected but it does the job.",
        "Fine product, packaging could be better.",
        "",
    ),
}
RESPONSES = (
    "We're sorry to hear this. Please check your messages, we have sent a replacement.",
    "Thank you for the feedback. We have refunded your order in full.",
    "We apologize for the delay. Please contact us through Amazon messages so we can help.",
)

CLAIM_REASONS = {
    "not_received": "Item not received",
    "not_as_described": "Item not as described",
    "damaged": "Item damaged or defective",
}


def _table(text: str) -> list[list[str]]:
    return [line.split("|") for line in text.strip().splitlines()]


_CATALOGUE_LINES = _CATALOGUE_TABLE.strip().splitlines()
CATALOGUE = tuple(
    Product(sku, asin, category, float(price), channels, int(weight), noun, title.strip())
    for (sku, asin, category, price, channels, weight, noun), title in zip(
        _table("\n".join(_CATALOGUE_LINES[::2])), _CATALOGUE_LINES[1::2], strict=True
    )
)
CITIES = tuple(
    (city, state, postal, float(tax)) for city, state, postal, tax in _table(_CITIES_TABLE)
)
