"""Who went past the duty policy: one SQL statement per county over its last days of shifts.

A year of a county's shifts is millions of rows; detection reads only the days it needs
(`rules.look_back_days`, through the (county, day) index) and lets the database add up the
minutes per person and day, and find runs of days (gaps and islands: in a run of consecutive
days, day − row number is constant). What comes back is the few people past a limit.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from . import rules
from .choices import Breach
from .models import DutyPolicy

# Each shift counts on its first day for its minutes before midnight (and for being a night
# shift), and on the next day for the minutes after it.
BREACHES_SQL = """
WITH parts AS (
    SELECT staff_id, day_number AS d, minutes - minutes_next_day AS m,
           CASE WHEN night THEN 1 ELSE 0 END AS n
      FROM care_shift WHERE county_id = %s AND day_number BETWEEN %s AND %s
    UNION ALL
    SELECT staff_id, day_number + 1 AS d, minutes_next_day AS m, 0 AS n
      FROM care_shift
     WHERE county_id = %s AND day_number BETWEEN %s AND %s AND minutes_next_day > 0
),
days AS (
    SELECT staff_id, d, SUM(m) AS m, SUM(n) AS n
      FROM parts WHERE d BETWEEN %s AND %s GROUP BY staff_id, d
),
duty_runs AS (
    SELECT staff_id, d, d - ROW_NUMBER() OVER (PARTITION BY staff_id ORDER BY d) AS run
      FROM days WHERE m > 0
),
night_runs AS (
    SELECT staff_id, d, d - ROW_NUMBER() OVER (PARTITION BY staff_id ORDER BY d) AS run
      FROM days WHERE n > 0
)
SELECT staff_id, 'hours_day' AS rule, MAX(m) AS value, MAX(d) AS last_day
  FROM days WHERE d >= %s AND m > %s GROUP BY staff_id
UNION ALL
SELECT staff_id, 'hours_week', SUM(m), MAX(d)
  FROM days WHERE d >= %s GROUP BY staff_id HAVING SUM(m) > %s
UNION ALL
SELECT staff_id, 'nights_week', SUM(n), MAX(d)
  FROM days WHERE d >= %s GROUP BY staff_id HAVING SUM(n) > %s
UNION ALL
SELECT staff_id, 'days_in_a_row', COUNT(*), MAX(d)
  FROM duty_runs GROUP BY staff_id, run HAVING COUNT(*) > %s AND MAX(d) >= %s
UNION ALL
SELECT staff_id, 'nights_in_a_row', COUNT(*), MAX(d)
  FROM night_runs GROUP BY staff_id, run HAVING COUNT(*) > %s AND MAX(d) >= %s
"""

MINUTE_RULES = {Breach.HOURS_DAY, Breach.HOURS_WEEK}


@dataclass(frozen=True)
class Found:
    """One rule one person went past: the value (hours, days or nights), the limit, the day."""

    rule: str
    value: float
    limit: int
    day: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "value": self.value, "limit": self.limit, "day": self.day}


def policy_for(county) -> DutyPolicy:
    """The county's policy, or the defaults (unsaved) while it has none."""
    policy = DutyPolicy.objects.filter(county=county).first()
    return policy or DutyPolicy(county=county, **rules.DEFAULT_POLICY)


def limits(policy) -> dict[str, int]:
    return {
        Breach.HOURS_DAY: policy.max_hours_day,
        Breach.HOURS_WEEK: policy.max_hours_week,
        Breach.DAYS_IN_A_ROW: policy.max_days_in_a_row,
        Breach.NIGHTS_IN_A_ROW: policy.max_nights_in_a_row,
        Breach.NIGHTS_WEEK: policy.max_nights_week,
    }


def find_breaches(county, as_of, policy=None) -> dict[int, list[Found]]:
    """Staff id → the rules they went past in the days up to `as_of` (a date), by the
    county's policy: hours on any day of the last 7, hours and night shifts in those 7 days,
    and runs of days on duty or of night shifts that reach `as_of` or the day before."""
    policy = policy or policy_for(county)
    today = rules.day_number(as_of)
    first = today - rules.look_back_days(policy) + 1
    week = today - rules.WEEK_DAYS + 1
    params = [
        county.pk, first - 1, today,
        county.pk, first - 1, today,
        first, today,
        week, policy.max_hours_day * 60,
        week, policy.max_hours_week * 60,
        week, policy.max_nights_week,
        policy.max_days_in_a_row, today - 1,
        policy.max_nights_in_a_row, today - 1,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(BREACHES_SQL, params)
        rows = cursor.fetchall()
    bound = limits(policy)
    found: dict[int, list[Found]] = defaultdict(list)
    for staff_id, rule, value, last_day in sorted(rows, key=lambda r: (r[0], r[1])):
        # PostgreSQL sums integers as numeric (Decimal): figures for JSON are plain numbers.
        value = round(float(value) / 60, 1) if rule in MINUTE_RULES else int(value)
        day = rules.day_of(int(last_day)).isoformat()
        found[staff_id].append(Found(rule, value, bound[rule], day))
    return dict(found)
