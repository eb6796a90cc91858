"""The only write paths of the campaign boards: set up a campaign (its stages, teams and plan),
save its items (one at a time, from a file, from inspection targets), and move an item to a
stage or undo its last move. Each checks, writes and audits in one transaction.

Stage order is the campaign's chain: an item moves to the stage after its own, or past stages
marked skippable, never back (a wrong move is undone, with a reason, and stays on record).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.core.numbers import next_number
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability, post_of
from gridgov.org.scoping import scope_of, scoped
from gridgov.workflow.attachments import prepare_photos, save_photos

from .choices import ItemKind, TeamKind
from .models import Campaign, Item, PlanTarget, Stage, StageRecord, Team
from .places import read_place

MAX_STAGES = 12
# Colours of the stages in order, told apart in print and by most colour-blind readers.
STAGE_COLOURS = (
    "#9c755f", "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2",
    "#edc948", "#e15759", "#ff9da7", "#bab0ac", "#1f6feb", "#6e7781",
)  # fmt: skip


def _require(actor, capability: str, campaign: Campaign | None = None) -> None:
    """The actor holds the capability (and sees the campaign); a command or the demo does."""
    if isinstance(actor, str):
        return
    if not has_capability(actor, capability):
        raise NotPermitted()
    if campaign is not None and not scope_of(actor).covers_region(campaign.region):
        raise NotFound(_("No such campaign in your area."))


# --- Setting up a campaign ------------------------------------------------------------------


@dataclass(frozen=True)
class StageSpec:
    name: str
    skippable: bool = False
    stuck_days: int | None = None


@transaction.atomic
def do_create_campaign(
    *,
    region,
    name: str,
    stages: list[StageSpec],
    started_on: datetime.date,
    stuck_days: int = 30,
    description: str = "",
    actor,
) -> Campaign:
    _require(actor, Capability.MANAGE_CAMPAIGNS)
    if not isinstance(actor, str) and not scope_of(actor).covers_region(region):
        raise NotFound(_("No region %(code)s in your area.") % {"code": region.code})
    problems = _stage_problems(stages)
    if not name.strip():
        problems.append(field_problem("name", _("A campaign needs a name.")))
    if stuck_days < 1:
        problems.append(field_problem("stuck_days", _("At least one day.")))
    if problems:
        raise InvalidInput(_("The campaign cannot be created."), details=problems)
    campaign = Campaign.objects.create(
        number=next_number("GT", Campaign),
        name=name.strip()[:120],
        region=region,
        description=description,
        started_on=started_on,
        stuck_days=stuck_days,
        created_by=None if isinstance(actor, str) else actor,
    )
    Stage.objects.bulk_create(
        Stage(
            campaign=campaign,
            position=position,
            name=spec.name.strip(),
            colour=STAGE_COLOURS[position],
            skippable=spec.skippable,
            stuck_days=spec.stuck_days,
        )
        for position, spec in enumerate(stages)
    )
    audit.record(
        "campaigns.campaign.create",
        actor=actor,
        target=campaign,
        summary=campaign.name,
        changes={"region": region.code, "stages": [s.name for s in stages]},
    )
    return campaign


def _stage_problems(stages: list[StageSpec]) -> list[dict]:
    names = [s.name.strip() for s in stages]
    if not 1 <= len(names) <= MAX_STAGES:
        return [field_problem("stages", _("From 1 to %(n)d stages.") % {"n": MAX_STAGES})]
    if any(not n or len(n) > 40 for n in names):
        return [field_problem("stages", _("Every stage needs a name of at most 40 characters."))]
    if len(set(names)) != len(names):
        return [field_problem("stages", _("Two stages have the same name."))]
    if any(s.stuck_days is not None and s.stuck_days < 1 for s in stages):
        return [field_problem("stages", _("A stage's limit is at least one day."))]
    return []


@transaction.atomic
def do_create_team(campaign: Campaign, *, kind: str, name: str, leader=None, members=(), actor):
    _require(actor, Capability.MANAGE_CAMPAIGNS, campaign)
    if kind not in TeamKind.values:
        raise InvalidInput(details=[field_problem("kind", _("Not a kind of team."))])
    name = name.strip()
    if not name or len(name) > 60:
        raise InvalidInput(details=[field_problem("name", _("A name of 1 to 60 characters."))])
    if campaign.teams.filter(name=name).exists():
        raise Conflict(_("The campaign has a team named %(name)s already.") % {"name": name})
    team = Team.objects.create(campaign=campaign, kind=kind, name=name, leader=leader)
    team.members.set(members)
    audit.record(
        "campaigns.team.create",
        actor=actor,
        target=team,
        summary=name,
        changes={"campaign": campaign.number, "kind": kind, "members": len(members)},
    )
    return team


@transaction.atomic
def do_set_plan(campaign: Campaign, *, stage: Stage, due_on, count: int, team=None, actor):
    """By `due_on`, `count` items have reached `stage` (of `team`, or of the campaign)."""
    _require(actor, Capability.MANAGE_CAMPAIGNS, campaign)
    if stage.campaign_id != campaign.pk or (team is not None and team.campaign_id != campaign.pk):
        raise InvalidInput(_("The stage and the team must be the campaign's own."))
    if count < 0:
        raise InvalidInput(details=[field_problem("count", _("Zero or more."))])
    target, _created = PlanTarget.objects.update_or_create(
        campaign=campaign, stage=stage, team=team, due_on=due_on, defaults={"count": count}
    )
    audit.record(
        "campaigns.plan.set",
        actor=actor,
        target=campaign,
        summary=stage.name,
        changes={"due_on": due_on.isoformat(), "count": count, "team": getattr(team, "name", "")},
    )
    return target


# --- Items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemData:
    """One item as a file, a form or the demo gives it, checked (see files.py): area in m²,
    geometry the stored GeoJSON text, teams by name, and the day each stage was reached."""

    code: str
    name: str
    kind: str = ItemKind.FIRM
    owner: str = ""
    area_m2: Decimal = Decimal(0)
    address: str = ""
    geometry: str = ""
    lon: float | None = None
    lat: float | None = None
    task_team: str = ""
    working_group: str = ""
    target_id: int | None = None
    reached: dict[str, datetime.date] = field(default_factory=dict)  # stage name -> day
    row: int | None = None  # its row in the file, for problems


ITEM_FIELDS = ("name", "kind", "owner", "area_m2", "address", "geometry", "lon", "lat")


def history_problems(campaign_stages: list[Stage], reached: dict, *, since=None) -> list[str]:
    """What is wrong with a chain of stage days: an unknown stage, a stage missed that may not
    be skipped, a day before the one of the stage before it, a day to come."""
    known = {s.name for s in campaign_stages}
    problems = [_("no stage named %(name)s") % {"name": n} for n in reached if n not in known]
    last = max((s.position for s in campaign_stages if s.name in reached), default=-1)
    today = timezone.localdate()
    previous = since
    for stage in campaign_stages[: last + 1]:
        day = reached.get(stage.name)
        if day is None:
            if not stage.skippable:
                problems.append(_("%(name)s may not be skipped") % {"name": stage.name})
            continue
        if day > today:
            problems.append(_("%(name)s: a day still to come") % {"name": stage.name})
        if previous is not None and day < previous:
            problems.append(_("%(name)s: a day before the stage before it") % {"name": stage.name})
        previous = day
    return problems


@transaction.atomic
def do_save_items(
    campaign: Campaign,
    rows: list[ItemData],
    *,
    actor,
    source: str = "",
    skip_bad_rows: bool = False,
    file_problems: list[dict] = (),
) -> dict:
    """Create or update items by code (the same rows twice change nothing), and record the
    stages the rows say they reached beyond the ones on record. Stages are only ever added
    here: a stage on record that a row leaves empty stays (undoing is a step of its own).

    With any problem (the file's included) nothing is written, unless `skip_bad_rows`: then
    the good rows are, and the problems come back in the summary."""
    _require(actor, Capability.MANAGE_CAMPAIGNS, campaign)
    stages = list(campaign.stages.order_by("position"))
    teams = {t.name: t for t in campaign.teams.all()}
    problems = [*file_problems, *_row_problems(stages, teams, rows)]
    if problems and not skip_bad_rows:
        raise InvalidInput(_("The items have problems; nothing was saved."), details=problems)
    bad = {p["row"] for p in problems if p.get("row") is not None}
    rows = [r for r in rows if r.row is None or r.row not in bad]
    existing = {i.code: i for i in campaign.items.select_related("stage")}
    created, updated, moved = [], [], 0
    for data in rows:
        item = existing.get(data.code)
        values = _values(data, teams)
        if item is None:
            item = Item(campaign=campaign, code=data.code, **values)
            created.append(item)
            existing[data.code] = item
        elif any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            updated.append(item)
    Item.objects.bulk_create(created)
    by_code = {i.code: i for i in campaign.items.select_related("stage")}
    records, reached_items = [], []
    user = None if isinstance(actor, str) else actor
    for data in rows:
        item = by_code[data.code]
        added = _records_beyond(item, stages, data.reached, user)
        if added:
            records.extend(added)
            last = added[-1]
            item.stage, item.stage_since, item.version = (
                last.stage,
                last.reached_on,
                item.version + 1,
            )
            reached_items.append(item)
            moved += len(added)
    fields = ["task_team", "working_group", "target", *ITEM_FIELDS]
    Item.objects.bulk_update([by_code[i.code] for i in updated], fields, batch_size=500)
    StageRecord.objects.bulk_create(records, batch_size=500)
    Item.objects.bulk_update(reached_items, ["stage", "stage_since", "version"], batch_size=500)
    summary = {
        "created": len(created),
        "updated": len(updated),
        "unchanged": len(rows) - len(created) - len(updated),
        "stages_recorded": moved,
    }
    audit.record(
        "campaigns.items.save",
        actor=actor,
        target=campaign,
        summary=source[:255],
        changes={**summary, "problems": len(problems)},
    )
    if problems:
        summary["problems"] = problems
    return summary


def _row_problems(stages, teams, rows) -> list[dict]:
    problems, seen = [], set()
    for data in rows:
        where = {"row": data.row} if data.row is not None else {"code": data.code}
        if data.code in seen:
            problems.append({**where, "column": "code", "reason": _("the code appears twice")})
        seen.add(data.code)
        for column, team, kind in (
            ("task_team", data.task_team, TeamKind.TASK_TEAM),
            ("working_group", data.working_group, TeamKind.WORKING_GROUP),
        ):
            if team and (team not in teams or teams[team].kind != kind):
                reason = _("no %(kind)s named %(name)s") % {
                    "kind": TeamKind(kind).label,
                    "name": team,
                }
                problems.append({**where, "column": column, "reason": reason})
        for reason in history_problems(stages, data.reached):
            problems.append({**where, "column": "stages", "reason": reason})
    return problems


def _values(data: ItemData, teams) -> dict:
    return {
        "name": data.name,
        "kind": data.kind,
        "owner": data.owner,
        "area_m2": data.area_m2,
        "address": data.address,
        "geometry": data.geometry,
        "lon": data.lon,
        "lat": data.lat,
        "task_team_id": _team_id(teams, data.task_team),
        "working_group_id": _team_id(teams, data.working_group),
        "target_id": data.target_id,
    }


def _team_id(teams, name: str) -> int | None:
    return teams[name].pk if name else None


def _records_beyond(item: Item, stages, reached: dict, user) -> list[StageRecord]:
    """Records for the stages `reached` names past the item's own stage, in order."""
    current = item.stage.position if item.stage_id else -1
    return [
        StageRecord(item=item, stage=s, reached_on=reached[s.name], done_by=user)
        for s in stages
        if s.position > current and s.name in reached
    ]


@transaction.atomic
def do_add_targets(campaign: Campaign, targets, *, task_team: str = "", actor) -> dict:
    """Items from inspection targets (the firms a county already knows), by their credit code
    or, without one, their target number; adding them again changes nothing."""
    rows = []
    for t in targets:
        geometry, lon, lat = read_place(f"{t.lon},{t.lat}")
        rows.append(
            ItemData(
                code=t.uscc or f"T{t.pk}",
                name=t.name[:120],
                kind=ItemKind.FIRM,
                address=t.address,
                geometry=geometry,
                lon=lon,
                lat=lat,
                task_team=task_team,
                target_id=t.pk,
            )
        )
    return do_save_items(campaign, rows, actor=actor, source="inspection targets")


# --- Moving an item -------------------------------------------------------------------------


def _locked_item(item_pk: int, actor) -> Item:
    """The item, locked for this transaction, if the actor may see it (404 otherwise). The
    lock takes the item's row alone: its stage and teams are read after it, under the lock."""
    if not scoped(Item.objects.filter(pk=item_pk), actor).exists():
        raise NotFound(_("No such item in your area."))
    return Item.objects.select_for_update().get(pk=item_pk)


def may_move(actor, item: Item) -> bool:
    """Managers of campaigns move any item of their area; a team moves its own items."""
    if has_capability(actor, Capability.MANAGE_CAMPAIGNS):
        return True
    if not has_capability(actor, Capability.VIEW_CAMPAIGNS):
        return False
    post = post_of(actor)
    teams = [t for t in (item.task_team, item.working_group) if t is not None]
    return post is not None and any(
        t.leader_id == post.pk or t.members.filter(pk=post.pk).exists() for t in teams
    )


def _check_version(item: Item, version) -> None:
    if version is not None and int(version) != item.version:
        raise Conflict()


@transaction.atomic
def do_move_item(
    item_pk: int,
    *,
    stage: Stage,
    actor,
    reached_on: datetime.date | None = None,
    note: str = "",
    photos=(),
    version: int | None = None,
) -> Item:
    """The item reached `stage` on `reached_on` (today by default). Only forward, to the next
    stage or past skippable ones; two people moving one item at once: the second is refused."""
    prepared = prepare_photos(photos) if photos else []
    item = _locked_item(item_pk, actor)
    if not may_move(actor, item):
        raise NotPermitted(_("Only the item's team or a campaign manager moves it."))
    _check_version(item, version)
    if stage.campaign_id != item.campaign_id:
        raise InvalidInput(details=[field_problem("stage", _("Not a stage of this campaign."))])
    reached_on = reached_on or timezone.localdate()
    current = item.stage.position if item.stage_id else -1
    if stage.position <= current:
        raise Conflict(
            _("The item has reached %(stage)s already; undo a move to go back.")
            % {"stage": item.stage.name}
        )
    stages = list(item.campaign.stages.filter(position__gt=current, position__lte=stage.position))
    reasons = history_problems(stages, {stage.name: reached_on}, since=item.stage_since)
    if reasons:
        raise InvalidInput(
            _("The item cannot move to %(stage)s.") % {"stage": stage.name},
            details=[field_problem("stage", r) for r in reasons],
        )
    record = StageRecord.objects.create(
        item=item, stage=stage, reached_on=reached_on, done_by=actor, note=note[:500]
    )
    if prepared:
        record.documents.set(save_photos(prepared, uploaded_by=actor))
    previous = item.stage
    item.stage, item.stage_since, item.version = stage, reached_on, item.version + 1
    item.save(update_fields=["stage", "stage_since", "version"])
    audit.record(
        "campaigns.item.move",
        actor=actor,
        target=item,
        summary=f"{item.code} → {stage.name}",
        changes={
            "from": getattr(previous, "name", ""),
            "to": stage.name,
            "reached_on": reached_on.isoformat(),
            "documents": len(prepared),
        },
    )
    return item


@transaction.atomic
def do_undo_move(item_pk: int, *, reason: str, actor, version: int | None = None) -> Item:
    """Take back the item's last move (a mistake, a contract withdrawn); the record stays,
    marked undone with the reason, and the item is back at the stage before it."""
    item = _locked_item(item_pk, actor)
    if not may_move(actor, item):
        raise NotPermitted(_("Only the item's team or a campaign manager moves it."))
    _check_version(item, version)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(details=[field_problem("reason", _("Say why the move is undone."))])
    live = list(
        item.records.filter(undone_at__isnull=True)
        .select_related("stage")
        .order_by("-stage__position")[:2]
    )
    if not live:
        raise Conflict(_("The item has no move to undo."))
    last = live[0]
    last.undone_at, last.undone_by, last.undo_reason = timezone.now(), actor, reason[:500]
    last.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    before = live[1] if len(live) > 1 else None
    item.stage = before.stage if before else None
    item.stage_since = before.reached_on if before else None
    item.version += 1
    item.save(update_fields=["stage", "stage_since", "version"])
    audit.record(
        "campaigns.item.undo",
        actor=actor,
        target=item,
        summary=f"{item.code} ← {last.stage.name}",
        changes={"undone": last.stage.name, "reason": reason[:500]},
    )
    return item
