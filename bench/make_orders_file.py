"""Write a synthetic Amazon all-orders flat file for the import throughput benchmark.

    python bench/make_orders_file.py OUT.tsv --rows 1000000

The file has the header and shape of GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL as
`sellerhealth.sample.generate` writes it: one row per item (about one order in ten has two or
three items), unique order ids, purchase dates with Pacific offsets over the 183 days to
`--end`, 60% FBA, a few business orders, shipped, pending and cancelled orders. It is built
for speed, not realism: rows are assembled from precomputed pieces (a million rows take a few
seconds), and the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sellerhealth.sample.generate import DEMO_AS_OF, ORDER_COLUMNS

DAYS = 183
CHUNK = 50_000  # rows per write
_PRODUCTS = (
    ("Northfield Silicone Spatula Set, 5 Piece", "NF-SPAT-SET5", "B0C4R7KX2M", 12.99),
    ("Northfield Pre-Seasoned Cast Iron Skillet, 10 Inch", "NF-CIS-10", "B0BX93TQ4N", 27.99),
    ("Northfield Bamboo Cutting Board Set of 3", "NF-BCB-3PK", "B0C1M5ZD7P", 24.99),
    ("Northfield Insulated Water Bottle 32 oz", "NF-BTL-32OZ", "B0BQ7L1K9V", 21.99),
    ("Northfield Non-Slip Yoga Mat 6mm", "NF-YGM-6MM", "B0C2D9R5MW", 29.99),
    ("Northfield Slow Feeder Dog Bowl, Large", "NF-SFB-LG", "B0B5W2J6TZ", 15.99),
    ("Northfield LED Desk Lamp with USB Charging Port", "NF-LMP-LED", "B0C8K5P2WC", 26.99),
    ("Northfield Adhesive Wall Hooks, 20 Pack", "NF-HKS-20PK", "B0BV1R7T3D", 9.99),
)
_ADDRESSES = (
    ("Austin", "TX", "78704"),
    ("Columbus", "OH", "43215"),
    ("Denver", "CO", "80203"),
    ("Portland", "OR", "97214"),
    ("Tampa", "FL", "33606"),
    ("Albany", "NY", "12203"),
)


def _pacific(moment: datetime) -> str:
    """A UTC moment as Amazon's US report writes it, with the Pacific offset of that day."""
    year = moment.year
    march, november = date(year, 3, 8), date(year, 11, 1)
    start = datetime.combine(march + timedelta(days=(6 - march.weekday()) % 7), datetime.min.time())
    stop = datetime.combine(
        november + timedelta(days=(6 - november.weekday()) % 7), datetime.min.time()
    )
    summer = start.replace(hour=10, tzinfo=UTC) <= moment < stop.replace(hour=9, tzinfo=UTC)
    hours = 7 if summer else 8
    return f"{moment - timedelta(hours=hours):%Y-%m-%dT%H:%M:%S}-0{hours}:00"


def _item_tails(rng: random.Random, status: str) -> list[str]:
    """Everything after `ship-service-level` for an item row, in a few hundred variants:
    the one for (product p, quantity q, address a) is at `(p * 4 + q) * len(_ADDRESSES) + a`.

    As in Amazon's file, a cancelled item says quantity 0 and only shipped items carry prices.
    """
    item_status = {"Shipped": "Shipped", "Pending": "Unshipped"}.get(status, "Cancelled")
    tails = []
    for name, sku, asin, price in _PRODUCTS:
        for quantity in (1, 1, 1, 2):
            for city, state, postal in _ADDRESSES:
                business = rng.random() < 0.03
                amount = price * quantity
                money = [f"{amount:.2f}", f"{amount * 0.07:.2f}", "0.00", "0.00"]
                cells = [name, sku, asin, item_status]
                cells += ["0" if status == "Cancelled" else str(quantity), "USD"]
                cells += money if status == "Shipped" else ["", "", "", ""]
                cells += ["", "", "", "", city, state, postal, "US", ""]
                cells += ["true" if business else "false", "", "BusinessPrice" if business else ""]
                tails.append("\t".join(cells))
    return tails


def write_orders_file(path: Path, rows: int, end: date = DEMO_AS_OF, seed: int = 7) -> int:
    """Write `rows` item rows (plus the header) to `path`; the number of orders written."""
    rng = random.Random(seed)
    tails = {status: _item_tails(rng, status) for status in ("Shipped", "Pending", "Cancelled")}
    first = datetime.combine(end - timedelta(days=DAYS - 1), datetime.min.time(), UTC)
    slots = DAYS * 24 * 12  # five-minute slots, each rendered once
    stamps = [_pacific(first + timedelta(minutes=5 * i, seconds=37)) for i in range(slots)]
    updated = [*stamps[36:], *[stamps[-1]] * 36]  # three hours later
    expected_orders = max(1, int(rows / 1.15))
    written = orders = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(ORDER_COLUMNS) + "\n")
        chunk: list[str] = []
        while written < rows:
            orders += 1
            order_id = f"11{1 + orders % 4}-{(orders // 10**7 + orders * 7919) % 10**7:07d}"
            order_id += f"-{orders % 10**7:07d}"
            slot = min(slots - 1, orders * slots // expected_orders)
            draw = rng.random()
            fba = draw < 0.6
            status = "Cancelled" if draw > 0.985 else "Shipped"
            if status == "Shipped" and slot > slots - 288 and rng.random() < 0.3:
                status = "Pending"  # the last day's orders, not shipped yet
            head = (
                f"{order_id}\t\t{stamps[slot]}\t{updated[slot]}\t{status}\t"
                f"{'Amazon' if fba else 'Merchant'}\tAmazon.com\t\t\t"
                f"{'Expedited' if fba else 'Standard'}\t"
            )
            pool = tails[status]
            items = rng.choices((1, 2, 3), weights=(88, 9, 3))[0]
            product, address = rng.randrange(len(_PRODUCTS)), rng.randrange(len(_ADDRESSES))
            for item in range(min(items, rows - written)):
                variant = ((product + item) % len(_PRODUCTS) * 4 + rng.randrange(4)) * len(
                    _ADDRESSES
                ) + address
                chunk.append(head + pool[variant] + "\n")
                written += 1
            if len(chunk) >= CHUNK:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the .tsv file to write")
    parser.add_argument("--rows", type=int, default=1_000_000, help="item rows (default 1e6)")
    parser.add_argument("--end", type=date.fromisoformat, default=DEMO_AS_OF)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    orders = write_orders_file(args.out, args.rows, args.end, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{args.out}: {args.rows:,} item rows, {orders:,} orders in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
