"""Retention (PIPL): when a closed canvass's period ends, its visit data is purged (emergency)
or anonymised (ordinary) by the periodic job — once, audited with counts, batch by batch — and
the households' states and every counter stay."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.models import AuditEntry
from gridgov.households import retention
from gridgov.households.canvass_actions import (
    VisitData,
    do_close_canvass,
    do_excuse_household,
    do_record_visit,
)
from gridgov.households.models import Answer, Canvassed, Coverage, Visit
from gridgov.workflow.models import Attachment
from tests.events.conftest import jpeg
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass

pytestmark = pytest.mark.django_db


def closed_canvass(grid, organiser, *, emergency: bool):
    """A canvass of three households: two visited (one with a photo and a note), one excused;
    the grid must hold no others (the quiet town's)."""
    households = make_households(microgrids_of(grid, 1)[0], count=3, people=2)
    canvass = running_canvass(grid, organiser, is_emergency=emergency)
    first, second, third = (h.number for h in households)
    do_record_visit(
        canvass, VisitData(household=first, note="门口有积水", lon=120.7, lat=30.7,
                           photos=[jpeg()]),
        actor=organiser,
    )  # fmt: skip
    do_record_visit(canvass, VisitData(household=second), actor=organiser)
    do_excuse_household(canvass, third, actor=organiser, reason="房屋拆迁")
    return do_close_canvass(canvass.pk, actor=organiser)


def kept(canvass) -> tuple:
    """What retention must never touch: the households' states and every level's counters."""
    states = sorted(Canvassed.objects.filter(canvass=canvass).values_list("pk", "state"))
    counters = sorted(
        Coverage.objects.filter(canvass=canvass).values_list(
            "region_id", "households_total", "households_visited", "households_excused",
            "persons_total", "persons_seen",
        )
    )  # fmt: skip
    return states, counters


def audited(canvass, action: str):
    return AuditEntry.objects.filter(
        action=f"households.canvass.{action}", target_id=str(canvass.pk)
    )


def test_closing_sets_the_retention_date_from_the_kind_of_canvass(quiet_grid_a, quiet_dispatcher):
    canvass = closed_canvass(quiet_grid_a, quiet_dispatcher, emergency=True)
    assert canvass.retain_until == timezone.localdate() + dt.timedelta(days=90)


def test_an_emergency_canvass_is_purged_once_its_period_ends_and_its_counts_stay(
    quiet_grid_a, quiet_dispatcher
):
    canvass = closed_canvass(quiet_grid_a, quiet_dispatcher, emergency=True)
    photo_ids = list(Visit.objects.filter(canvass=canvass).values_list("photos", flat=True))
    before = kept(canvass)

    assert retention.apply_retention(canvass.pk, now=timezone.now()) is None  # not yet due
    later = timezone.now() + dt.timedelta(days=91)
    done = retention.apply_retention(canvass.pk, now=later)

    assert done == {"action": "purge", "visits": 2, "answers": 4, "photos": 1}
    assert not Visit.objects.filter(canvass=canvass).exists()
    assert not Answer.objects.filter(visit__canvass=canvass).exists()
    assert not Attachment.objects.filter(pk__in=[p for p in photo_ids if p]).exists()
    assert kept(canvass) == before
    entry = audited(canvass, "purge").get()
    assert entry.changes == {"action": "purge", "visits": 2, "answers": 4, "photos": 1}
    canvass.refresh_from_db()
    assert canvass.purged_at == later


def test_applying_retention_again_changes_nothing_and_audits_nothing(
    quiet_grid_a, quiet_dispatcher
):
    canvass = closed_canvass(quiet_grid_a, quiet_dispatcher, emergency=True)
    later = timezone.now() + dt.timedelta(days=91)
    assert canvass.number in retention.apply_all(now=later)
    before = kept(canvass)
    assert retention.apply_retention(canvass.pk, now=later) is None
    assert canvass.number not in retention.apply_all(now=later + dt.timedelta(days=1))
    assert audited(canvass, "purge").count() == 1
    assert kept(canvass) == before


def test_an_ordinary_canvass_is_anonymised_keeping_its_visits_and_counts(
    quiet_grid_a, quiet_dispatcher, monkeypatch
):
    monkeypatch.setattr(retention, "BATCH", 3)  # the four answers take two batches
    canvass = closed_canvass(quiet_grid_a, quiet_dispatcher, emergency=False)
    before = kept(canvass)
    later = timezone.now() + dt.timedelta(days=1096)

    done = retention.apply_retention(canvass.pk, now=later)

    assert done == {"action": "anonymise", "visits": 2, "answers": 4, "photos": 1}
    visits = Visit.objects.filter(canvass=canvass)
    assert sorted(visits.values_list("outcome", flat=True)) == ["visited", "visited"]
    assert set(visits.values_list("note", "lon", "lat")) == {("", None, None)}
    answers = Answer.objects.filter(visit__canvass=canvass)
    assert answers.count() == 4  # how many people were seen stays
    assert set(answers.values_list("resident", flat=True)) == {None}
    assert all(values == {} for values in answers.values_list("values", flat=True))
    assert not Visit.photos.through.objects.filter(visit__canvass=canvass).exists()
    assert kept(canvass) == before
    assert audited(canvass, "anonymise").count() == 1
