"""Households and residents (M10): the 一标三实 ledgers — standard addresses and buildings,
actual houses, actual population, actual units — and the door-knocking canvasses (敲门行动,
扫楼扫户) that prove every household was reached (不落一户、不漏一人), with four-colour classes.

Every ledger row is placed in the region tree (`Placed`): "the residents of this village" is
one indexed equality on the residents' own table. A building is placed in its micro-grid; its
houses, households and residents copy that place, and moving a building moves them with it
(`gridgov.households.actions`).

ID numbers and phones are encrypted at rest, looked up by keyed digest, masked everywhere and
revealed only through the audited reveal (`gridgov.org.actions.do_reveal`).

A canvass is a kind of work item of the closed-loop engine (draft → running → closed); its
coverage is kept as counters per region at every level, moved by each visit in the visit's
transaction, so "how far is the county" is one row, never a scan of a million residents.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import DigestField, EncryptedTextField, mask_id_number, mask_phone
from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import CopiedPlace, Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from .choices import (
    CanvassStatus,
    CanvassStep,
    CanvassTarget,
    Colour,
    ColourSource,
    CoverageLevel,
    HouseholdState,
    HouseUse,
    MoveKind,
    Presence,
    Relation,
    ResidenceKind,
    Sex,
    VisitOutcome,
)

LEVELS = ("city", "county", "town", "village", "grid", "microgrid")


def _placed_indexes(prefix: str) -> list[models.Index]:
    """(level, id) per level: a paginated list of one area's rows is one index range."""
    return [
        models.Index(fields=[level, "id"], name=f"{prefix}_{level}_id")
        for level in ("county", "town", "village", "grid", "microgrid")
    ]


# --- 一标三实: addresses, buildings, houses, units -------------------------------------------


class Building(Placed):
    """A building at a standard address (标准地址), placed in its micro-grid.

    The standard address code is the one the address authority gives; villages without codes
    yet get one made from the micro-grid's code and a sequence (see `actions`).
    """

    address_code = models.CharField(_("standard address code"), max_length=40, unique=True)
    address = models.CharField(_("standard address"), max_length=200)
    name = models.CharField(_("building"), max_length=60, help_text=_("e.g. 3幢, 12号"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["address_code"]
        indexes = _placed_indexes("building")

    def __str__(self):
        return self.address


class House(CopiedPlace):
    """An actual house (实有房屋): a room of a building, with its use."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="houses"
    )
    unit = models.CharField(_("entrance unit"), max_length=20, blank=True)  # 单元
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    use = models.CharField(_("use"), max_length=16, choices=HouseUse.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building", "unit", "room", "id"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="house_in_building")
        ]
        indexes = _placed_indexes("house")

    def __str__(self):
        parts = [self.building.address]
        if self.unit:
            parts.append(f"{self.unit}单元")
        if self.room:
            parts.append(self.room)
        return " ".join(parts)


class UnitPlacement(models.Model):
    """An actual unit (实有单位) — an inspection target — at its building."""

    target = models.OneToOneField(
        "inspections.InspectionTarget",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="placement",
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units"
    )

    scope_rule = ScopeRule(region="building")

    class Meta:
        verbose_name = _("unit at a building")
        verbose_name_plural = _("units at buildings")

    def __str__(self):
        return f"{self.target} @ {self.building}"


# --- Households and residents ------------------------------------------------------------


class Household(CopiedPlace):
    """A household (户) living at a house."""

    number = models.CharField(_("household number"), max_length=40, unique=True)
    house = models.ForeignKey(
        House, verbose_name=_("house"), on_delete=models.PROTECT, related_name="households"
    )
    # How many people live here now: kept by the moves, read by lists and canvasses.
    size = models.PositiveSmallIntegerField(_("people living here"), default=0)
    note = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]
        indexes = _placed_indexes("household")

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("households:household", args=[self.number])


class SpecialGroup(models.Model):
    """A special group (特殊人群) services and canvasses target: configurable.

    Membership is either given by a rule on ledger facts — an age (80 岁以上), optionally living
    alone (60 岁以上独居) — or recorded person by person (pregnant, infant care, disabled, key
    care groups).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    min_age = models.PositiveSmallIntegerField(
        _("from age"), null=True, blank=True, help_text=_("Members by age: empty for by hand.")
    )
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    living_alone = models.BooleanField(_("living alone only"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("special group")
        verbose_name_plural = _("special groups")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    @property
    def by_rule(self) -> bool:
        return self.min_age is not None or self.max_age is not None


class Resident(CopiedPlace):
    """An actual resident (实有人口) of a household.

    Birth date and sex come from the ID number (GB 11643). `presence` changes only through a
    move, which is kept (`Move`); the household's counts as of any date come from those.
    """

    # Not indexed on their own: the (household, presence) index and the unique digest and the
    # phone digest's named index serve the lookups, and each index costs every import's insert.
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(_("ID number"))
    id_digest = DigestField(_("ID number digest"), source="id_number", db_index=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = DigestField(_("phone digest"), source="phone", db_index=False)
    residence = models.CharField(
        _("residence"),
        max_length=16,
        choices=ResidenceKind.choices,
        default=ResidenceKind.REGISTERED,
    )
    relation = models.CharField(
        _("relation to the head"), max_length=16, choices=Relation.choices, default=Relation.HEAD
    )
    presence = models.CharField(
        _("presence"), max_length=16, choices=Presence.choices, default=Presence.PRESENT
    )
    groups = models.ManyToManyField(
        SpecialGroup,
        verbose_name=_("special groups"),
        blank=True,
        related_name="members",
        help_text=_("The groups recorded by hand; groups by age follow the birth date."),
    )
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, blank=True)
    note = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "id"]
        constraints = [
            # One ledger row per person: imports upsert by this digest.
            models.UniqueConstraint(fields=["id_digest"], name="resident_id_digest_unique"),
        ]
        indexes = [
            *_placed_indexes("resident"),
            models.Index(fields=["household", "presence"], name="resident_household_presence"),
            models.Index(fields=["village", "birth_date"], name="resident_village_birth"),
            models.Index(fields=["phone_digest"], name="resident_phone_digest"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("households:resident", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Move(models.Model):
    """A change in who lives in a household: born, moved in, moved out, died. Append-only."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="moves"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="moves"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MoveKind.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    scope_rule = ScopeRule(region="household")

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["household", "on"], name="move_household_on")]

    def __str__(self):
        return f"{self.resident} {self.get_kind_display()} {self.on}"

    @property
    def arrives(self) -> bool:
        return self.kind in (MoveKind.BIRTH, MoveKind.MOVE_IN)


# --- Four colours ------------------------------------------------------------------------


class ColourRule(models.Model):
    """A rule that classes a person (四色管控). Rules are tried in order; the first that holds
    gives the colour. `condition` is a small JSON expression over visit answers and ledger
    facts, checked when saved (see `gridgov.households.colours`)."""

    name = models.CharField(_("name"), max_length=80)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    condition = models.JSONField(_("condition"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("colour rule")
        verbose_name_plural = _("colour rules")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.get_colour_display()}: {self.name}"


class ColourChange(models.Model):
    """One change of a person's colour: by a rule, or by hand with a reason. Append-only; the
    resident's `colour` is the latest."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="colours"
    )
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, blank=True)
    previous = models.CharField(_("before"), max_length=8, choices=Colour.choices, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=ColourSource.choices)
    rule = models.ForeignKey(
        ColourRule, verbose_name=_("rule"), null=True, blank=True, on_delete=models.SET_NULL
    )
    canvass = models.ForeignKey(
        "Canvass", verbose_name=_("canvass"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    scope_rule = ScopeRule(region="resident")

    class Meta:
        verbose_name = _("colour change")
        verbose_name_plural = _("colour changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["resident", "changed_at"], name="colour_resident_time")]

    def __str__(self):
        return f"{self.resident}: {self.previous or '-'} → {self.colour or '-'}"


# --- Door-knocking canvasses (敲门行动 / 扫楼扫户) ----------------------------------------


class Canvass(WorkItem):
    """A door-knocking canvass of an area: which households it must reach, the form a visit
    fills in per person, and who covers what. Its coverage is in `Coverage` and `Canvassed`.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=120)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The area the canvass covers: a county, a town, a village or a grid."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    target = models.CharField(
        _("target"), max_length=16, choices=CanvassTarget.choices, default=CanvassTarget.ALL
    )
    target_groups = models.ManyToManyField(
        SpecialGroup, verbose_name=_("target groups"), blank=True, related_name="+"
    )
    target_colour = models.CharField(
        _("target colour"), max_length=8, choices=Colour.choices, blank=True
    )
    # The questions a visit asks of each person: [{"key", "label", "type", "choices",
    # "default", "required"}], checked when saved (see `gridgov.households.forms_schema`).
    form = models.JSONField(_("visit form"), default=list, blank=True)
    is_emergency = models.BooleanField(
        _("emergency"),
        default=False,
        help_text=_("Data of an emergency canvass is purged when its retention period ends."),
    )
    retain_until = models.DateField(_("kept until"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purged at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=CanvassStatus.choices, default=CanvassStatus.DRAFT
    )
    step = models.CharField(_("timed step"), max_length=16, choices=CanvassStep.choices, blank=True)

    # Seen by staff whose area it lies in, and by the staff working inside its area (a grid
    # worker of one of its grids visits for it).
    scope_rule = ScopeRule(region="region", seen_from_inside=True)

    class Meta:
        verbose_name = _("canvass")
        verbose_name_plural = _("canvasses")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="canvass_period_in_order"
            )
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="canvass_region_status"),
            models.Index(
                fields=["retain_until"],
                name="canvass_retention",
                condition=Q(purged_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("canvasses:detail", args=[self.number])


class CanvassTimelineEntry(TimelineEntry):
    item = models.ForeignKey(Canvass, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("canvass timeline entry")
        verbose_name_plural = _("canvass timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="canvass_timeline_seq")]


class Assignment(models.Model):
    """Who covers what in a canvass (包片、包村、包网格、包点位)."""

    canvass = models.ForeignKey(
        Canvass, verbose_name=_("canvass"), on_delete=models.CASCADE, related_name="assignments"
    )
    staff = models.ForeignKey(
        "org.Staff", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("covers"), max_length=16, choices=CoverageLevel.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("canvass assignment")
        verbose_name_plural = _("canvass assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["canvass", "staff", "region", "building"], name="assignment_unique"
            )
        ]

    def __str__(self):
        return f"{self.staff} → {self.region}"


class Canvassed(Placed):
    """One household a canvass must reach, and how far it got: the proof of 不落一户 is the
    list of these rows still pending (or nobody home) — empty means every household reached.
    Made when the canvass starts; households that arrive later are added by the moves."""

    canvass = models.ForeignKey(
        Canvass, verbose_name=_("canvass"), on_delete=models.CASCADE, related_name="households"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=HouseholdState.choices, default=HouseholdState.PENDING
    )
    persons_total = models.PositiveSmallIntegerField(_("people to see"), default=0)
    persons_seen = models.PositiveSmallIntegerField(_("people seen"), default=0)
    visits = models.PositiveSmallIntegerField(_("visits"), default=0)
    last_visit_at = models.DateTimeField(_("last visited at"), null=True, blank=True)
    excuse = models.CharField(_("reason not visited"), max_length=200, blank=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("household in a canvass")
        verbose_name_plural = _("households in a canvass")
        ordering = ["canvass", "household"]
        constraints = [
            models.UniqueConstraint(fields=["canvass", "household"], name="canvassed_unique")
        ]
        indexes = [
            models.Index(fields=["canvass", "state", "microgrid"], name="canvassed_state"),
            models.Index(fields=["canvass", "grid", "state"], name="canvassed_grid_state"),
            models.Index(fields=["canvass", "village", "state"], name="canvassed_village_state"),
        ]

    def __str__(self):
        return f"{self.canvass.number} {self.household}"


class Coverage(models.Model):
    """A canvass's counters for one region (every level, micro-grid to county): moved by each
    visit in its transaction, so any area's coverage is one row and its children's a handful.
    """

    canvass = models.ForeignKey(
        Canvass, verbose_name=_("canvass"), on_delete=models.CASCADE, related_name="coverage"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    parent = models.ForeignKey(
        "regions.Region",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    households_total = models.PositiveIntegerField(_("households"), default=0)
    households_visited = models.PositiveIntegerField(_("households visited"), default=0)
    households_excused = models.PositiveIntegerField(_("households excused"), default=0)
    persons_total = models.PositiveIntegerField(_("people"), default=0)
    persons_seen = models.PositiveIntegerField(_("people seen"), default=0)

    scope_rule = ScopeRule(region="region")

    class Meta:
        verbose_name = _("canvass coverage")
        verbose_name_plural = _("canvass coverage")
        constraints = [
            models.UniqueConstraint(fields=["canvass", "region"], name="coverage_unique")
        ]
        indexes = [models.Index(fields=["canvass", "parent"], name="coverage_children")]

    def __str__(self):
        done, total = self.households_visited, self.households_total
        return f"{self.canvass.number} {self.region}: {done}/{total}"


class Visit(models.Model):
    """One knock at one household's door, with each member's answers."""

    canvass = models.ForeignKey(
        Canvass, verbose_name=_("canvass"), on_delete=models.CASCADE, related_name="visits"
    )
    canvassed = models.ForeignKey(
        Canvassed, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visit_log"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=VisitOutcome.choices)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    photos = models.ManyToManyField(
        "workflow.Attachment", verbose_name=_("photos"), blank=True, related_name="+"
    )
    # The key the phone made at the moment of the visit: a retried send records it once.
    idempotency_key = models.CharField(max_length=64, blank=True)

    scope_rule = ScopeRule(region="canvassed")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="visit_idempotency",
            )
        ]
        indexes = [models.Index(fields=["canvass", "visited_at"], name="visit_canvass_time")]

    def __str__(self):
        return f"{self.canvassed} {self.get_outcome_display()}"


class Answer(models.Model):
    """One person's answers at a visit. Kept without the person once purged or erased."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="answers"
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    seen = models.BooleanField(_("seen"), default=True)
    values = models.JSONField(_("answers"), default=dict, blank=True)

    scope_rule = ScopeRule(region="visit__canvassed")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "resident"],
                condition=Q(resident__isnull=False),
                name="answer_one_per_person",
            )
        ]

    def __str__(self):
        return f"{self.visit_id}: {self.resident_id}"


class RetentionPeriod(models.Model):
    """How long a kind of record is kept (PIPL: no longer than needed), and what happens at the
    end: purged, or anonymised (counts kept, persons removed). The worker applies it."""

    class Action(models.TextChoices):
        PURGE = "purge", _("purge")
        ANONYMISE = "anonymise", _("anonymise")

    record = models.CharField(_("record"), max_length=40, unique=True)
    days = models.PositiveIntegerField(_("days kept"))
    action = models.CharField(_("at the end"), max_length=16, choices=Action.choices)

    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["record"]

    def __str__(self):
        return f"{self.record}: {self.days}"
