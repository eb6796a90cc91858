"""Reads of the campaign boards on behalf of a user (always through `scoped`), and the board's
figures: aggregated by the database, a handful of queries whatever the number of items."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring

from django.db.models import Case, Count, FloatField, Q, Sum, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.org.scoping import scoped

from .models import Campaign, Item, PlanTarget, Stage, StageRecord, Team
from .places import M2_PER_MU, m2_to_mu

MU_PER_M2 = float(1 / M2_PER_MU)


def campaigns_for(user):
    return scoped(Campaign.objects.select_related("region"), user)


def campaign_for(user, number: str) -> Campaign:
    campaign = campaigns_for(user).filter(number=number).first()
    if campaign is None:
        raise NotFound(_("No such campaign in your area."))
    return campaign


def stages_of(campaign) -> list[Stage]:
    return list(campaign.stages.order_by("position"))


def item_for(user, campaign: Campaign, pk) -> Item:
    item = (
        scoped(Item.objects.filter(campaign=campaign), user)
        .select_related("stage", "task_team", "working_group", "campaign")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound(_("No such item in your area."))
    return item


def records_of(item: Item):
    return (
        item.records.select_related("stage", "done_by", "undone_by")
        .prefetch_related("documents")
        .order_by("recorded_at", "pk")
    )


# --- Which items are stuck ----------------------------------------------------------------


def stuck_q(stages: list[Stage], campaign: Campaign, today: datetime.date) -> Q:
    """Items longer than their stage's limit in a stage that is not the last one."""
    q = Q(pk__in=[])
    for stage in stages[:-1]:
        limit = stage.stuck_days or campaign.stuck_days
        q |= Q(stage=stage, stage_since__lt=today - datetime.timedelta(days=limit))
    return q


@dataclass(frozen=True)
class ItemFilter:
    stage: int | None = None  # a stage's position
    team: int | None = None
    stuck: bool = False
    q: str = ""


def items_of(user, campaign: Campaign, f: ItemFilter = ItemFilter(), today=None):
    items = scoped(Item.objects.filter(campaign=campaign), user).select_related(
        "stage", "task_team"
    )
    if f.stage is not None:
        items = items.filter(stage__position=f.stage)
    if f.team is not None:
        items = items.filter(task_team_id=f.team)
    if f.stuck:
        today = today or timezone.localdate()
        items = items.filter(stuck_q(stages_of(campaign), campaign, today))
    if f.q:
        items = items.filter(Q(code__contains=f.q) | Q(name__contains=f.q))
    return items.order_by("code", "pk")


# --- The board --------------------------------------------------------------------------------


def _mu(m2) -> float:
    return round(float(m2_to_mu(m2 or Decimal(0))), 1)


def funnel(stages: list[Stage], by_stage: dict) -> list[dict]:
    """Per stage, the items that reached it (they are there or at a later stage) and their
    area; `by_stage` maps a stage id (None: not started) to (count, m²) of the items there."""
    rows, count, area = [], 0, Decimal(0)
    for stage in reversed(stages):
        here, here_area = by_stage.get(stage.pk, (0, Decimal(0)))
        count, area = count + here, area + (here_area or 0)
        rows.append(
            {
                "id": stage.pk,
                "position": stage.position,
                "name": stage.name,
                "colour": stage.colour,
                "reached": count,
                "area_m2": float(area),
                "area_mu": _mu(area),
                "area_label": f"{_mu(area):,.0f}",
                "here": here,
            }
        )
    return rows[::-1]


def board_figures(campaign: Campaign, *, today=None) -> dict:
    """The funnel, the stuck counts, the task teams' funnels and the burn-down against the plan."""
    today = today or timezone.localdate()
    stages = stages_of(campaign)
    items = Item.objects.filter(campaign=campaign)
    by_team = defaultdict(dict)
    for row in items.values("task_team", "stage").annotate(n=Count("pk"), area=Sum("area_m2")):
        by_team[row["task_team"]][row["stage"]] = (row["n"], row["area"])
    whole = defaultdict(lambda: [0, Decimal(0)])
    for per_stage in by_team.values():
        for stage_id, (n, area) in per_stage.items():
            whole[stage_id][0] += n
            whole[stage_id][1] += area or 0
    stuck_by_stage = dict(
        items.filter(stuck_q(stages, campaign, today))
        .values("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    stage_rows = funnel(stages, {k: tuple(v) for k, v in whole.items()})
    for row in stage_rows:
        row["stuck"] = stuck_by_stage.get(row["id"], 0)
    total_items = sum(n for n, _area in whole.values())
    teams = list(campaign.teams.filter(kind="task_team").order_by("name"))
    return {
        "campaign": {
            "number": campaign.number,
            "name": campaign.name,
            "region": campaign.region.name,
            "items": total_items,
            "area_m2": float(sum(a for _n, a in whole.values())),
            "area_mu": _mu(sum(a for _n, a in whole.values())),
            "area_label": f"{_mu(sum(a for _n, a in whole.values())):,.0f}",
            "stuck": sum(stuck_by_stage.values()),
            "today": today.isoformat(),
        },
        "stages": stage_rows,
        "teams": [
            {
                "id": team.pk,
                "name": team.name,
                "items": sum(n for n, _a in by_team.get(team.pk, {}).values()),
                "stages": [
                    {"id": r["id"], "reached": r["reached"], "area_mu": r["area_mu"]}
                    for r in funnel(stages, by_team.get(team.pk, {}))
                ],
            }
            for team in teams
        ],
        "burndown": burndown(campaign, stages, by_team, teams),
    }


def burndown(campaign: Campaign, stages, by_team, teams) -> dict:
    """Per stage (campaign-wide and per task team): how many items were still to reach it
    after each day on which some reached it, and the plan's remaining count at each due day."""
    totals = {None: sum(n for per in by_team.values() for n, _a in per.values())}
    for team in teams:
        totals[team.pk] = sum(n for n, _a in by_team.get(team.pk, {}).values())
    reached = defaultdict(lambda: defaultdict(int))  # (stage, team) -> day -> count
    live = StageRecord.objects.filter(item__campaign=campaign, undone_at__isnull=True)
    per_day = live.values_list("stage", "item__task_team", "reached_on").annotate(n=Count("pk"))
    for stage_id, team_id, day, n in per_day.order_by():
        for team in {None, team_id}:
            reached[(stage_id, team)][day] += n
    plan = defaultdict(list)
    for target in PlanTarget.objects.filter(campaign=campaign).order_by("due_on"):
        plan[(target.stage_id, target.team_id)].append(
            [target.due_on.isoformat(), totals.get(target.team_id, 0) - target.count]
        )
    series = {}
    for stage in stages:
        for team, total in totals.items():
            left, actual = total, []
            for day in sorted(reached[(stage.pk, team)]):
                left -= reached[(stage.pk, team)][day]
                actual.append([day.isoformat(), left])
            key = f"{stage.pk}:{team or ''}"
            series[key] = {"actual": actual, "plan": plan.get((stage.pk, team), [])}
    return {"total": {str(k or ""): v for k, v in totals.items()}, "series": series}


def map_features(campaign: Campaign, *, today=None) -> str:
    """The items as a GeoJSON FeatureCollection, as text: each place is the stored text, put
    in as it is (5,000 polygons are never parsed to be sent), and whether an item is stuck is
    decided by the database."""
    today = today or timezone.localdate()
    stages = stages_of(campaign)
    position = {s.pk: s.position for s in stages}
    rows = (
        Item.objects.filter(campaign=campaign)
        .exclude(geometry="")
        .annotate(
            area=Cast("area_m2", FloatField()),
            stuck=Case(When(stuck_q(stages, campaign, today), then=1), default=0),
        )
        .order_by("pk")
        .values_list("pk", "code", "name", "stage_id", "task_team_id", "area", "stuck", "geometry")
    )
    text = encode_basestring  # the C encoder of JSON strings, without a dict per item
    parts = [
        f'{{"type":"Feature","geometry":{geometry},"properties":{{"id":{pk},"code":{text(code)},'
        f'"name":{text(name)},"stage":{position.get(stage_id, -1)},"team":{team_id or "null"},'
        f'"area_mu":{round((area or 0) * MU_PER_M2, 1)},"stuck":{"true" if stuck else "false"}}}}}'
        for pk, code, name, stage_id, team_id, area, stuck, geometry in rows
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def region_outline(campaign: Campaign) -> str:
    """The campaign's region as GeoJSON text ("null" without a boundary)."""
    import shapely

    geometry = campaign.region.geometry()
    return shapely.to_geojson(geometry) if geometry is not None else "null"


def teams_of(campaign: Campaign):
    return Team.objects.filter(campaign=campaign).select_related("leader").order_by("kind", "name")


def export_rows(user, campaign: Campaign):
    """The items as the import file's columns (see files.py), with each stage's day."""
    from .files import KIND_NAMES

    stages = stages_of(campaign)
    days = defaultdict(dict)
    live = StageRecord.objects.filter(item__campaign=campaign, undone_at__isnull=True)
    for item_id, stage_id, day in live.values_list("item_id", "stage_id", "reached_on"):
        days[item_id][stage_id] = day
    items = scoped(Item.objects.filter(campaign=campaign), user).select_related(
        "task_team", "working_group"
    )
    for item in items.order_by("code"):
        yield [
            item.code,
            item.name,
            KIND_NAMES.get(item.kind, item.kind),
            item.owner,
            float(item.area_m2),
            "平方米",
            item.address,
            "WGS84",
            item.geometry,
            getattr(item.task_team, "name", ""),
            getattr(item.working_group, "name", ""),
            *(days[item.pk].get(s.pk) for s in stages),
        ]
