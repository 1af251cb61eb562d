"""Account-wide metrics as as-of-day intervals: contact response, policy compliance and the
Account Health Rating's parts (twins of `domain.contact` and `domain.compliance`).

Messages and violations belong to the account, not to one marketplace: their rows carry the
marketplace `*` and are shown in every marketplace's block.
"""

from __future__ import annotations

from datetime import timedelta

from sellerhealth.domain.policy import Policy
from sellerhealth.engine.intervals import Days, pid

ACCOUNT_WIDE = "*"


def _utc(column: str) -> str:
    """An instant stored as ISO text (or a TIMESTAMP) as a naive UTC timestamp."""
    return f"CAST(substr(CAST({column} AS VARCHAR), 1, 19) AS TIMESTAMP)"


def contact_response_sql(policy: Policy) -> str:
    """Judged from the day its response time ran out, for the window days after receipt."""
    rules = policy.contact_response
    last = rules.window_days - 1
    return f"""
        WITH m AS (
            SELECT account, {_utc("received_at")} AS received, {_utc("responded_at")} AS responded
            FROM messages
        ),
        j AS (
            SELECT account, CAST(received AS DATE) AS r,
                   CAST(received + INTERVAL {rules.response_hours} HOUR AS DATE) AS due,
                   responded IS NOT NULL
                   AND responded - received <= INTERVAL {rules.response_hours} HOUR AS on_time
            FROM m
        )
        SELECT account, '{ACCOUNT_WIDE}' AS marketplace_id, '' AS scope,
               {pid("contactResponse", "messages")} AS pid, count(*) AS weight,
               greatest(r, due) AS d_from, r + {last} AS d_to
        FROM j GROUP BY ALL
        UNION ALL
        SELECT account, '{ACCOUNT_WIDE}', '', {pid("contactResponse", "onTime")}, count(*),
               greatest(r, due), r + {last}
        FROM j WHERE on_time GROUP BY ALL"""


def _open_violations(window_days: int) -> str:
    """Each violation's open stretch inside its own window: [date, resolved - 1]."""
    last = window_days - 1
    return f"""
        SELECT account, category, severity, CAST(date AS DATE) AS a,
               least(CAST(date AS DATE) + {last},
                     CASE WHEN status = 'resolved'
                          THEN coalesce(CAST(status_date AS DATE), CAST(date AS DATE)) - 1 END) AS b
        FROM violations"""


def compliance_sql(policy: Policy) -> str:
    """Open violations per category, and violations dated in the window whatever their status
    (`dated`): a category outside the policy's list is shown while it has one, as the plain
    rule (`domain.compliance`) shows it."""
    window_days = policy.policy_compliance.window_days
    return f"""
        SELECT account, '{ACCOUNT_WIDE}' AS marketplace_id, category AS scope,
               {pid("policyCompliance", "violations")} AS pid, count(*) AS weight,
               a AS d_from, b AS d_to
        FROM ({_open_violations(window_days)}) GROUP BY ALL
        UNION ALL
        SELECT account, '{ACCOUNT_WIDE}', category, {pid("policyCompliance", "dated")}, count(*),
               CAST(date AS DATE), CAST(date AS DATE) + {window_days - 1}
        FROM violations GROUP BY ALL"""


def ahr_sql(policy: Policy, days: Days | None = None) -> str:
    """AHR's parts: orders in its window (per marketplace), violation points and criticals;
    the orders of the window of one of `days` only, when given."""
    rules = policy.ahr
    in_window = (
        ""
        if days is None
        else f"WHERE CAST(purchase_date AS DATE) >= DATE "
        f"'{days.first - timedelta(days=rules.window_days - 1)}'"
        f" AND CAST(purchase_date AS DATE) <= DATE '{days.last}'"
    )
    points = (
        f"CASE severity WHEN 'low' THEN {rules.points_low} WHEN 'medium' THEN {rules.points_medium}"
        f" WHEN 'high' THEN {rules.points_high} ELSE 0 END"
    )
    return f"""
        SELECT account, marketplace_id, '' AS scope, {pid("ahr", "orders")} AS pid,
               count(*) AS weight, CAST(purchase_date AS DATE) AS d_from,
               CAST(purchase_date AS DATE) + {rules.window_days - 1} AS d_to
        FROM orders {in_window} GROUP BY ALL
        UNION ALL
        SELECT account, '{ACCOUNT_WIDE}', '', {pid("ahr", "violationPoints")}, sum({points}), a, b
        FROM ({_open_violations(rules.window_days)}) WHERE severity <> 'critical' GROUP BY ALL
        UNION ALL
        SELECT account, '{ACCOUNT_WIDE}', '', {pid("ahr", "critical")}, count(*), a, b
        FROM ({_open_violations(rules.window_days)}) WHERE severity = 'critical' GROUP BY ALL"""


def account_intervals_sql(policy: Policy, days: Days | None = None) -> list[str]:
    return [contact_response_sql(policy), compliance_sql(policy), ahr_sql(policy, days)]
