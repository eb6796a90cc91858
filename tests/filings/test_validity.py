"""Is there a valid filing at this site at this moment? The database (`valid_filing`), the
in-memory index (`FilingIndex.valid_at`) and the rule as written (`nights.covers`) agree, on
nights that cross midnight and on the last night's morning hours too."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.filings import nights
from gridgov.filings.actions import (
    do_approve_filing,
    do_revoke_filing,
    do_submit_filing,
)
from gridgov.filings.choices import FilingStatus
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.selectors import FilingIndex, expiring, filings_revision, valid_filing
from gridgov.filings.workflow import FILING_WORKFLOW

from .conftest import filing_data, make_site

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ZONES = [SHANGHAI, dt.UTC, dt.timezone(dt.timedelta(hours=-5))]


def local(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm, ss), tzinfo=SHANGHAI)


def on(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def file(site, actor, first, last, start, end):
    data = filing_data(
        site,
        first_night=on(first).isoformat(),
        last_night=on(last).isoformat(),
        start_time=start,
        end_time=end,
    )
    return do_submit_filing(data, actor=actor)


@pytest.fixture
def world(admin_user, dispatcher_town, housing_officer, monkeypatch):
    """Two sites with filings in every state and every shape of hours; a third without.
    Overlapping filings of one site are refused today, but those filed before are still
    stored and the index must answer for them: this world is built as they were."""
    monkeypatch.setattr("gridgov.filings.actions._refuse_overlap", lambda filing: None)
    a = make_site(admin_user, name="测试工地甲", nth=2)
    b = make_site(admin_user, name="测试工地乙", nth=3)
    c = make_site(admin_user, name="测试工地丙", nth=4)
    made = {
        "tonight": file(a, dispatcher_town, 0, 2, "22:00", "06:00"),
        "evenings": file(a, dispatcher_town, 1, 4, "20:00", "23:00"),  # overlaps "tonight"
        "small_hours": file(a, dispatcher_town, 10, 10, "00:00", "05:00"),
        "revoked": file(a, dispatcher_town, 5, 8, "22:00", "06:00"),
        "rejected": file(a, dispatcher_town, 12, 14, "22:00", "06:00"),
        "pending": file(a, dispatcher_town, 15, 16, "22:00", "06:00"),
        "month": file(b, dispatcher_town, 0, 29, "23:30", "04:15"),
        "one_night": file(b, dispatcher_town, 3, 3, "21:00", "02:30"),
    }
    for name in ("tonight", "evenings", "small_hours", "revoked", "month", "one_night"):
        do_approve_filing(made[name].pk, actor=housing_officer)
    do_revoke_filing(made["revoked"].pk, actor=housing_officer, note="多次投诉")
    FILING_WORKFLOW.act(made["rejected"].pk, "reject", actor=housing_officer, note="理由不充分")
    return {"sites": (a, b, c), "filings": {k: v.pk for k, v in made.items()}}


def reference(site_id: int, moment) -> int | None:
    """The rule as written, filing by filing, the earliest filed first."""
    for f in NightWorkFiling.objects.filter(site_id=site_id).order_by("submitted_at", "pk"):
        if f.status == FilingStatus.APPROVED and nights.covers(
            f.first_night, f.last_night, f.start_time, f.end_time, moment
        ):
            return f.pk
    return None


def answers(index, site, moment):
    found = valid_filing(site.pk, moment)
    return (found.pk if found else None), index.valid_at(site.pk, moment)


def test_the_hours_of_a_night_run_from_its_evening_into_the_next_morning():
    first, last = dt.date(2026, 6, 3), dt.date(2026, 6, 5)
    covered = [local(first, 22), local(first, 23, 59, 59), local(dt.date(2026, 6, 4), 5, 59, 59),
               local(dt.date(2026, 6, 6), 5, 30)]  # fmt: skip
    outside = [local(first, 21, 59, 59), local(first, 5, 0), local(dt.date(2026, 6, 4), 6, 0),
               local(dt.date(2026, 6, 6), 6, 0), local(dt.date(2026, 6, 6), 22, 0)]  # fmt: skip
    for moment in covered:
        assert nights.covers(first, last, dt.time(22), dt.time(6), moment), moment
    for moment in outside:
        assert not nights.covers(first, last, dt.time(22), dt.time(6), moment), moment


def test_the_database_and_the_index_agree_on_the_moments_that_matter(world):
    a, b, c = world["sites"]
    ids = world["filings"]
    index = FilingIndex.load()
    expected = {
        (a, local(on(0), 22, 30)): ids["tonight"],
        (a, local(on(3), 5, 59, 59)): ids["tonight"],  # the last night's morning
        (a, local(on(3), 6, 0)): None,
        (a, local(on(0), 3, 0)): None,  # the morning before the first night
        (a, local(on(1), 22, 30)): ids["tonight"],  # both cover it: the earlier filed
        (a, local(on(3), 21, 0)): ids["evenings"],
        (a, local(on(4), 23, 0)): None,
        (a, local(on(6), 23, 0)): None,  # revoked
        (a, local(on(10), 4, 0)): ids["small_hours"],
        (a, local(on(11), 4, 0)): None,
        (a, local(on(13), 23, 0)): None,  # rejected
        (a, local(on(15), 23, 0)): None,  # still awaiting approval
        (b, local(on(30), 4, 14, 59)): ids["month"],
        (b, local(on(30), 23, 45)): None,
        (b, local(on(4), 2, 0)): ids["month"],
        (b, local(on(4), 1, 0)): ids["month"],
        (b, local(on(3), 21, 30)): ids["one_night"],
        (b, local(on(4), 2, 15)): ids["month"],
        (c, local(on(0), 23, 0)): None,
    }
    for (site, moment), filing_id in expected.items():
        assert answers(index, site, moment) == (filing_id, filing_id), (site.name, moment)
        assert reference(site.pk, moment) == filing_id


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.integers(0, 2),
    seconds=st.integers(0, 38 * 24 * 3600),
    zone=st.sampled_from(ZONES),
)
def test_the_database_the_index_and_the_rule_agree_on_any_moment(world, which, seconds, zone):
    site = world["sites"][which]
    start = dt.datetime.combine(on(-1), dt.time(0), tzinfo=SHANGHAI)
    moment = (start + dt.timedelta(seconds=seconds)).astimezone(zone)
    index = world.setdefault("index", FilingIndex.load())
    from_db, from_memory = answers(index, site, moment)
    assert from_db == from_memory == reference(site.pk, moment)


def test_the_index_is_built_with_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        index = FilingIndex.load()
    assert len(index) >= 5
    assert index.revision == filings_revision()


def test_every_step_of_any_filing_moves_the_revision_on(world, housing_officer, site):
    index = FilingIndex.load()
    assert not index.stale()
    pending = world["filings"]["pending"]
    do_approve_filing(pending, actor=housing_officer)
    assert index.stale()
    fresh = FilingIndex.load()
    assert fresh.revision > index.revision
    moment = local(on(15), 23, 0)
    assert index.valid_at(world["sites"][0].pk, moment) is None
    assert fresh.valid_at(world["sites"][0].pk, moment) == pending


def test_the_index_answers_from_memory_without_asking_the_database(
    world, django_assert_num_queries
):
    # The warning rules ask it once per signal: once loaded, it must answer from memory.
    index = FilingIndex.load()
    site_ids = [s.pk for s in world["sites"]]
    moments = [local(on(d % 30), h) for d in range(30) for h in (1, 4, 12, 21, 23)]
    with django_assert_num_queries(0):
        answers = [index.valid_at(s, m) for m in moments for s in site_ids]
    assert len(answers) == len(moments) * len(site_ids)
    assert any(a is not None for a in answers) and any(a is None for a in answers)


def test_filings_expiring_within_three_days(world, housing_officer):
    soon = expiring(3)
    ids = {f.pk for f in soon}
    assert world["filings"]["tonight"] in ids  # its last night is the day after tomorrow
    assert world["filings"]["one_night"] in ids
    assert world["filings"]["month"] not in ids
    assert world["filings"]["revoked"] not in ids and world["filings"]["rejected"] not in ids
    assert all(f.status == FilingStatus.APPROVED for f in soon)
    assert all(f.last_night <= on(3) for f in soon)
    later = expiring(3, now=timezone.now() + dt.timedelta(days=27))
    assert world["filings"]["month"] in {f.pk for f in later}
    assert world["filings"]["tonight"] not in {f.pk for f in later}
