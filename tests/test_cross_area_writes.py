"""Every write operation of the REST API, tried from another county on 南湖区's objects.

The operations are read from the OpenAPI schema (/api/schema/): each POST, PUT, PATCH and
DELETE. For each, OBJECTS says how to reach an object of 南湖区 (the path's parameters and a
body aimed at it); the request is then sent by an administrator of 秀洲区, who holds every
capability but not the place. It must be refused (403 or 404), and nothing may change: no
audit entry (every write is audited), and the object itself as it was.

A new write operation fails the test until it has its entry here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from gridgov.accounts.actions import do_issue_token
from gridgov.alerts.models import EarlyWarning, Rule, SignalSource
from gridgov.appointments.actions import do_add_exception, do_add_list_member, do_save_member_list
from gridgov.appointments.models import Booking, HoursException, MemberList, Resource
from gridgov.assistance.models import (
    Activity,
    Agent,
    HomeTask,
    ProxyRequest,
    ProxyService,
    SignUp,
    Volunteer,
    VolunteerTeam,
)
from gridgov.campaigns.actions import ItemData, StageSpec, do_create_campaign, do_save_items
from gridgov.campaigns.models import Item
from gridgov.care.actions import _propose
from gridgov.care.models import CareProblem, DutyPost, RestOrder, Shift
from gridgov.core.models import AuditEntry
from gridgov.evaluation.demo import DEMO_SET
from gridgov.evaluation.models import Evaluation
from gridgov.events.choices import EventStatus
from gridgov.events.models import Event
from gridgov.filings.models import NightWorkFiling
from gridgov.households.actions import do_place_unit
from gridgov.households.models import (
    Building,
    Canvass,
    Canvassed,
    House,
    Household,
    Resident,
    UnitPlacement,
)
from gridgov.inspections.choices import PlanStatus
from gridgov.inspections.models import (
    EnforcementCase,
    InspectionPlan,
    InspectionTarget,
    InspectionTask,
    RectificationOrder,
    Scenario,
)
from gridgov.open311.models import Publication
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.powers.models import PowerItem
from gridgov.regions.models import Region
from gridgov.reports.models import ReportSubscription
from gridgov.supervision.models import Finding, Project, SupervisionPost
from gridgov.webhooks.models import Message as WebhookMessage
from gridgov.webhooks.models import Subscription as WebhookSubscription
from gridgov.workflow.engine import SYSTEM
from tests.conftest import DEMO_TOWN, GRID_A, PASSWORD
from tests.errands.models import Errand
from tests.errands.workflow import ERRAND_WORKFLOW
from tests.events.conftest import point_in
from tests.fuzzing import write_operations

pytestmark = pytest.mark.django_db

COUNTY = "330402"  # 南湖区: the objects
XIUZHOU = "330411"  # 秀洲区: the other area


@dataclass
class Attempt:
    """One write aimed at 南湖区: the path's parameters, the body, and the object that must
    stay as it was (None for an operation that would create one)."""

    params: dict
    body: dict = field(default_factory=dict)
    target: object = None
    # Create operations that check the place with the rest of the input refuse it as a 400
    # naming the field that points outside the caller's area.
    place_field: str | None = None
    # A batch answers 200 with every row refused.
    batch: str | None = None


def in_county(model, **filters):
    found = model.objects.filter(county__code=COUNTY, **filters).order_by("pk").first()
    assert found is not None, f"the demo has no {model.__name__} in 南湖区 ({filters})"
    return found


def an_event() -> Event:
    return in_county(Event, town__code=DEMO_TOWN, status=EventStatus.REPORTED)


def a_task() -> InspectionTask:
    return in_county(InspectionTask, status="assigned")


def an_order() -> RectificationOrder:
    order = RectificationOrder.objects.filter(task__county__code=COUNTY, status="issued").first()
    assert order is not None
    return order


def a_case() -> EnforcementCase:
    """The demo files no case: one is opened on a rectification order's failed check."""
    order = an_order()
    return EnforcementCase.objects.create(
        number="AJ-CROSS-AREA",
        task=order.task,
        result=order.result,
        target=order.target,
        department=order.department,
        status="filed",
        penalty_power=PowerItem.objects.filter(kind="penalty").first(),
    )


def a_plan() -> InspectionPlan:
    return InspectionPlan.objects.create(
        area=Region.objects.get(code=DEMO_TOWN),
        start=dt.date.today(),
        end=dt.date.today() + dt.timedelta(days=5),
        status=PlanStatus.DRAFT,
    )


def a_target() -> InspectionTarget:
    return in_county(InspectionTarget)


def a_department() -> Department:
    return Department.objects.filter(code=f"{DEMO_TOWN}-ZD").get()


def a_draft_evaluation() -> Evaluation:
    found = Evaluation.objects.filter(indicator_set__code=DEMO_SET, status="draft").first()
    assert found is not None, "the demo has no draft evaluation"
    return found


def a_point() -> dict:
    lon, lat = point_in(GRID_A)
    return {"lon": lon, "lat": lat}


def a_nanhu_staff_member() -> Staff:
    return Staff.objects.filter(region__county__code=COUNTY).order_by("pk")[0]


def a_nanhu_login():
    return Staff.objects.filter(region__county__code=COUNTY, user__isnull=False)[0].user


def an_errand() -> Errand:
    microgrid = Region.objects.filter(level="microgrid", code__startswith=GRID_A).first()
    errand = Errand(number="ER-CROSS-AREA")
    errand.place_in(microgrid)
    return ERRAND_WORKFLOW.start(errand, "post", actor=SYSTEM)


def a_scenario() -> Scenario:
    return Scenario.objects.filter(jurisdiction__code=COUNTY, is_active=True).order_by("pk")[0]


def a_microgrid() -> Region:
    return Region.objects.filter(level="microgrid", code__startswith=GRID_A).order_by("code")[0]


def a_signup(**filters) -> SignUp:
    signups = SignUp.objects.filter(activity__team__region__county__code=COUNTY, **filters)
    return signups.order_by("pk")[0]


def a_free_place() -> tuple[Activity, object]:
    """An activity of 南湖区 and a volunteer of its team not signed up to it yet."""
    for activity in Activity.objects.filter(team__region__county__code=COUNTY).order_by("pk"):
        free = activity.team.members.exclude(signups__activity=activity).order_by("pk").first()
        if free is not None:
            return activity, free
    raise AssertionError("the demo has no activity of 南湖区 with a volunteer left to sign up")


def a_placed_unit() -> UnitPlacement:
    """A unit of 南湖区 placed at one of its buildings (the demo places none)."""
    return do_place_unit(a_target(), in_county(Building), actor="test")


def a_running_canvass() -> Canvass:
    return Canvass.objects.filter(region__county__code=COUNTY, status="running").order_by("pk")[0]


def a_canvassed_household() -> Canvassed:
    return Canvassed.objects.filter(canvass=a_running_canvass(), state="pending").order_by("pk")[0]


def an_item(*, moved: bool) -> Item:
    """The campaigns' demo is in 嘉善县: a campaign of 南湖区 with one item, set up here."""
    campaign = do_create_campaign(
        region=Region.objects.get(code=DEMO_TOWN),
        name="越界征迁",
        stages=[StageSpec("摸底"), StageSpec("签约")],
        started_on=dt.date.today() - dt.timedelta(days=30),
        actor="test",
    )
    reached = {"摸底": dt.date.today() - dt.timedelta(days=1)} if moved else {}
    do_save_items(campaign, [ItemData(code="X-1", name="越界企业", reached=reached)], actor="test")
    return campaign.items.get()


def a_proposed_rest_order() -> RestOrder:
    """The demo's rest orders are all closed: detection proposes one for a worker of 南湖区."""
    staff = Staff.objects.filter(region__county__code=COUNTY, is_active=True).order_by("pk")[0]
    breach = {"rule": "hours_day", "value": 16, "limit": 12, "day": "x"}
    return _propose(staff, [breach], dt.date.today())


def a_member_list(*, with_member=False) -> MemberList:
    """The demo keeps no member list: one of 东栅街道 (南湖区), with a member when asked."""
    members = do_save_member_list(
        name="越界测试名单", region=Region.objects.get(code=DEMO_TOWN), actor="test"
    )
    if with_member:
        do_add_list_member(members, name="越界", phone="13900001111", actor="test")
    return members


def an_hours_exception() -> HoursException:
    resource = in_county(Resource)
    return do_add_exception(resource, day=dt.date.today() + dt.timedelta(days=9), closed=True,
                            actor="test")  # fmt: skip


def a_nanhu_team() -> VolunteerTeam:
    return VolunteerTeam.objects.filter(region__county__code=COUNTY).order_by("pk")[0]


def a_nanhu_volunteer() -> Volunteer:
    return Volunteer.objects.filter(team__region__county__code=COUNTY, is_active=True).order_by(
        "pk"
    )[0]


def in_county_activity() -> Activity:
    return Activity.objects.filter(team__region__county__code=COUNTY).order_by("pk")[0]


def a_nanhu_agent() -> Agent:
    return Agent.objects.filter(region__county__code=COUNTY, is_active=True).order_by("pk")[0]


def next_week(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


# How to aim each write operation at 南湖区. None: the operation has no place (it acts on the
# caller's own credentials only), with the reason.
OBJECTS: dict[tuple[str, str], Callable[[], Attempt] | str] = {
    ("POST", "/api/v1/auth/token"): "signing in: one's own credentials, no place",
    ("DELETE", "/api/v1/auth/token"): "signing out: revokes the caller's own token only",
    ("POST", "/api/v1/signals"): "the intake: readings are placed by their coordinates, and "
    "only data feed accounts may send them (tests/alerts/test_api.py)",
    ("POST", "/api/v1/events"): "reporting is open like the public channels: staff report what "
    "they see wherever it is; the event goes to that area's command centre, and the reporter "
    "sees only what they filed",
    ("POST", "/api/v1/events/{number}/{action}"): lambda: (
        lambda e: Attempt({"number": e.number, "action": "accept"}, {}, e)
    )(an_event()),
    ("POST", "/api/v1/events/{number}/publication"): lambda: (
        lambda e: Attempt({"number": e.number}, {}, e)
    )(an_event()),
    ("DELETE", "/api/v1/events/{number}/publication"): lambda: (
        lambda p: Attempt({"number": p.event.number}, {}, p)
    )(Publication.objects.filter(event__county__code=COUNTY).order_by("pk")[0]),
    ("POST", "/api/v1/events/bulk-dispatch"): lambda: (
        lambda e: Attempt(
            {}, {"events": [e.number], "lead": f"{DEMO_TOWN}-ZD"}, e, batch="dispatched"
        )
    )(an_event()),
    ("POST", "/api/v1/inspections"): lambda: Attempt(
        {},
        {
            "scenario": a_scenario().code,
            "target": a_target().pk,
            "departments": [a_department().code],
        },
        place_field="target",
    ),
    ("POST", "/api/v1/inspections/{number}/{action}"): lambda: (
        lambda t: Attempt({"number": t.number, "action": "start"}, {}, t)
    )(a_task()),
    ("POST", "/api/v1/rectifications/{number}/{action}"): lambda: (
        lambda o: Attempt({"number": o.number, "action": "report_rectified"}, {"note": "x"}, o)
    )(an_order()),
    ("POST", "/api/v1/cases/{number}/{action}"): lambda: (
        lambda c: Attempt({"number": c.number, "action": "investigate"}, {}, c)
    )(a_case()),
    ("POST", "/api/v1/inspection-targets"): lambda: Attempt(
        {}, {"kind": "shop", "name": "越界商铺", **a_point()}, place_field="location"
    ),
    ("POST", "/api/v1/inspection-needs"): lambda: Attempt(
        {},
        {
            "scenario": a_scenario().code,
            "target": a_target().pk,
            "department": a_department().code,
            "earliest": next_week(1),
            "latest": next_week(6),
        },
    ),
    ("POST", "/api/v1/inspection-plans"): lambda: Attempt(
        {}, {"area": DEMO_TOWN, "start": next_week(1), "end": next_week(6)}
    ),
    ("POST", "/api/v1/inspection-plans/{id}/{decision}"): lambda: (
        lambda p: Attempt({"id": p.pk, "decision": "confirm"}, {}, p)
    )(a_plan()),
    ("POST", "/api/v1/scenarios"): lambda: Attempt(
        {},
        {
            "jurisdiction": COUNTY,
            "code": "X-CROSS",
            "name": "越界场景",
            "department_kinds": ["comprehensive_enforcement"],
            "target_kinds": ["shop"],
            "checklist": [
                {"department_kind": "comprehensive_enforcement", "text": "x", "inspection_power": 1}
            ],
        },
        place_field="jurisdiction",
    ),
    ("POST", "/api/v1/filings"): lambda: (
        lambda f: Attempt(
            {},
            {
                "site": f.site_id,
                "company_name": "越界公司",
                "company_uscc": f.company_uscc,
                "contact_name": "张三",
                "contact_phone": "13812345678",
                "first_night": next_week(2),
                "last_night": next_week(3),
                "start_time": "22:00",
                "end_time": "05:00",
                "reason": "x",
                "noise_limit_db": 55,
                "noise_measures": "x",
            },
            place_field="site",
        )
    )(in_county(NightWorkFiling)),
    ("POST", "/api/v1/filings/{number}/{action}"): lambda: (
        lambda f: Attempt({"number": f.number, "action": "approve"}, {}, f)
    )(in_county(NightWorkFiling, status="submitted")),
    ("POST", "/api/v1/staff/{id}/reveal"): lambda: (
        lambda s: Attempt({"id": s.pk}, {"field": "phone", "purpose": "contact"}, s)
    )(a_nanhu_staff_member()),
    ("POST", "/api/v1/warnings/{number}/{action}"): lambda: (
        lambda w: Attempt({"number": w.number, "action": "handle"}, {}, w)
    )(in_county(EarlyWarning, status="new")),
    ("POST", "/api/v1/warning-rules"): lambda: Attempt(
        {},
        {
            "name": "越界规则",
            "jurisdiction": COUNTY,
            "definition": Rule.objects.filter(jurisdiction__code=COUNTY)[0].current.definition,
        },
    ),
    ("PUT", "/api/v1/warning-rules/{id}"): lambda: (
        lambda r: Attempt(
            {"id": r.pk},
            {
                "name": "改了",
                "jurisdiction": COUNTY,
                "definition": r.current.definition,
                "is_active": False,
            },
            r,
        )
    )(Rule.objects.filter(jurisdiction__code=COUNTY).order_by("pk")[0]),
    ("POST", "/api/v1/warning-rules/{id}/dry-run"): lambda: (
        lambda r: Attempt({"id": r.pk}, {}, r)
    )(Rule.objects.filter(jurisdiction__code=COUNTY).order_by("pk")[0]),
    # Sources serve every county's rules: kept by the city's administrators alone.
    ("POST", "/api/v1/signal-sources"): lambda: Attempt(
        {}, {"code": "cross-area", "name": "越界", "kind": "sensor"}
    ),
    # People, posts and logins: kept by the administrators whose area covers them.
    ("POST", "/api/v1/departments"): lambda: Attempt(
        {},
        {"code": "X-CROSS", "name": "越界部门", "kind": "ecology", "region_code": DEMO_TOWN},
    ),
    ("PATCH", "/api/v1/departments/{id}"): lambda: (
        lambda d: Attempt({"id": d.pk}, {"name": "改了"}, d)
    )(a_department()),
    ("POST", "/api/v1/staff"): lambda: Attempt(
        {}, {"name": "越界人员", "role": Role.GRID_WORKER, "region_code": GRID_A}
    ),
    ("PATCH", "/api/v1/staff/{id}"): lambda: (lambda p: Attempt({"id": p.pk}, {"name": "改了"}, p))(
        a_nanhu_staff_member()
    ),
    **{
        ("POST", f"/api/v1/staff/{{id}}/{step}"): (
            lambda body=body: (lambda p: Attempt({"id": p.pk}, body, p))(a_nanhu_staff_member())
        )
        for step, body in {
            "move": {"role": Role.GRID_WORKER, "region_code": GRID_A},
            "posts": {"role": Role.GRID_WORKER, "region_code": GRID_A},
            "deactivate": {},
            "reactivate": {},
            "login": {"username": "cross-area-login"},
            "password-reset": {},
            "invitation": {},
        }.items()
    },
    # One's own tokens only: another person's is not found, wherever they work.
    ("DELETE", "/api/v1/auth/tokens/{id}"): lambda: (lambda t: Attempt({"id": t.pk}, {}, t))(
        do_issue_token(a_nanhu_login(), actor="test", name="nanhu")[0]
    ),
    # The kind of work item the tests define for themselves (tests/errands).
    ("POST", "/api/v1/errands/{number}/{action}"): lambda: (
        lambda e: Attempt({"number": e.number, "action": "drop"}, {"note": "x"}, e)
    )(an_errand()),
    # Supervision: the findings, posts and projects of 南湖区's towns.
    ("POST", "/api/v1/findings"): lambda: Attempt(
        {},
        {"group": in_county(SupervisionPost).group_id, "kind": "duty", "summary": "越界"},
        place_field="group",
    ),
    ("POST", "/api/v1/findings/{number}/{action}"): lambda: (
        lambda f: Attempt({"number": f.number, "action": "dismiss"}, {"note": "x"}, f)
    )(in_county(Finding, status="found")),
    ("POST", "/api/v1/public/suggestions"): "the public page: anyone leaves a suggestion at an "
    "open supervision post, counted per address (tests/supervision)",
    ("POST", "/api/v1/supervision/suggestions"): lambda: (
        lambda p: Attempt({}, {"post": p.pk, "text": "越界"}, p)
    )(in_county(SupervisionPost)),
    ("POST", "/api/v1/supervision/projects/{code}/checks"): lambda: (
        lambda p: Attempt({"code": p.code}, {"checked_on": "2026-01-05", "subject": "越界"}, p)
    )(in_county(Project)),
    ("POST", "/api/v1/supervision/projects/{code}/rules"): lambda: (
        lambda p: Attempt({"code": p.code}, {}, p)
    )(in_county(Project)),
    ("POST", "/api/v1/supervision/projects/ledger"): "a file upload naming projects by code: "
    "a project outside the importer's area is a problem of its row, reported by the background "
    "job, and only supervisors import (tests/supervision/test_ledger_import.py)",
    ("PUT", "/api/v1/signal-sources/{code}"): lambda: (
        lambda s: Attempt({"code": s.code}, {"code": s.code, "name": "改了", "kind": s.kind}, s)
    )(SignalSource.objects.get(code="noise")),
    # Appointments: the resources of 南湖区's service halls and their bookings.
    ("POST", "/api/v1/appointments/bookings"): lambda: (
        lambda r: Attempt(
            {},
            {
                "resource": r.pk,
                "slot_start": f"{next_week(2)}T09:00:00+08:00",
                "name": "越界",
                "phone": "13812345678",
            },
            r,
        )
    )(in_county(Resource)),
    ("POST", "/api/v1/appointments/walk-ins"): lambda: (
        lambda r: Attempt({}, {"resource": r.pk, "name": "越界"}, r)
    )(in_county(Resource)),
    ("POST", "/api/v1/appointments/waiting"): lambda: (
        lambda r: Attempt(
            {}, {"resource": r.pk, "day": next_week(2), "name": "越界", "phone": "13812345678"}, r
        )
    )(in_county(Resource)),
    ("POST", "/api/v1/appointments/public/codes"): "the public page: texts a booking code to "
    "the phone given, no account and no place, counted per phone and per address "
    "(tests/appointments)",
    ("POST", "/api/v1/appointments/public/bookings"): "the public page: anyone books an open "
    "resource with the code texted to their phone, no account (tests/appointments)",
    ("POST", "/api/v1/bookings/{number}/{action}"): lambda: (
        lambda b: Attempt({"number": b.number, "action": "cancel"}, {"note": "x"}, b)
    )(in_county(Booking, status="booked")),
    # Appointments' configuration: resources, their weeks and exceptions, member lists.
    ("POST", "/api/v1/appointments/resources"): lambda: Attempt(
        {}, {"region": DEMO_TOWN, "name": "越界", "kind": "desk", "slot_minutes": 30}
    ),
    ("PUT", "/api/v1/appointments/resources/{id}"): lambda: (
        lambda r: Attempt(
            {"id": r.pk},
            {"region": DEMO_TOWN, "name": "越界", "kind": r.kind, "slot_minutes": 30},
            r,
        )
    )(in_county(Resource)),
    ("POST", "/api/v1/appointments/resources/{id}/active"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"active": False}, r)
    )(in_county(Resource)),
    ("PUT", "/api/v1/appointments/resources/{id}/hours"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"hours": []}, r)
    )(in_county(Resource)),
    ("POST", "/api/v1/appointments/resources/{id}/exceptions"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"day": next_week(8), "closed": True}, r)
    )(in_county(Resource)),
    ("DELETE", "/api/v1/appointments/resources/{id}/exceptions/{exception}"): lambda: (
        lambda e: Attempt({"id": e.resource_id, "exception": e.pk}, {}, e)
    )(an_hours_exception()),
    ("POST", "/api/v1/appointments/member-lists"): lambda: Attempt(
        {}, {"name": "越界", "region": DEMO_TOWN}
    ),
    ("PUT", "/api/v1/appointments/member-lists/{id}"): lambda: (
        lambda m: Attempt({"id": m.pk}, {"name": "改了"}, m)
    )(a_member_list()),
    ("POST", "/api/v1/appointments/member-lists/{id}/members"): lambda: (
        lambda m: Attempt({"id": m.pk}, {"name": "越界", "phone": "13900002222"}, m)
    )(a_member_list()),
    ("DELETE", "/api/v1/appointments/member-lists/{id}/members/{member}"): lambda: (
        lambda m: Attempt({"id": m.members_id, "member": m.pk}, {}, m)
    )(a_member_list(with_member=True).entries.get()),
    ("POST", "/api/v1/appointments/member-lists/{id}/import"): lambda: (
        lambda m: Attempt({"id": m.pk}, {}, m)
    )(a_member_list()),
    # Assistance's configuration: agents, teams, members, activities.
    ("POST", "/api/v1/assistance/agents"): lambda: Attempt(
        {}, {"staff": a_nanhu_staff_member().pk, "region": DEMO_TOWN}
    ),
    ("DELETE", "/api/v1/assistance/agents/{id}"): lambda: (lambda a: Attempt({"id": a.pk}, {}, a))(
        a_nanhu_agent()
    ),
    ("POST", "/api/v1/volunteers/teams"): lambda: Attempt(
        {}, {"region": DEMO_TOWN, "name": "越界", "kind": "care"}
    ),
    ("PUT", "/api/v1/volunteers/teams/{id}"): lambda: (
        lambda t: Attempt({"id": t.pk}, {"name": "越界", "kind": t.kind}, t)
    )(a_nanhu_team()),
    ("POST", "/api/v1/volunteers/teams/{id}/members"): lambda: (
        lambda t: Attempt({"id": t.pk}, {"name": "越界"}, t)
    )(a_nanhu_team()),
    ("PATCH", "/api/v1/volunteers/members/{id}"): lambda: (
        lambda v: Attempt({"id": v.pk}, {"skills": "越界"}, v)
    )(a_nanhu_volunteer()),
    ("DELETE", "/api/v1/volunteers/members/{id}"): lambda: (lambda v: Attempt({"id": v.pk}, {}, v))(
        a_nanhu_volunteer()
    ),
    ("POST", "/api/v1/volunteers/activities"): lambda: (
        lambda t: Attempt(
            {},
            {
                "team": t.pk,
                "title": "越界",
                "place": "x",
                "capacity": 5,
                "starts_at": f"{next_week(2)}T09:00:00+08:00",
                "ends_at": f"{next_week(2)}T10:00:00+08:00",
            },
        )
    )(a_nanhu_team()),
    ("PUT", "/api/v1/volunteers/activities/{id}"): lambda: (
        lambda a: Attempt(
            {"id": a.pk},
            {
                "title": "越界",
                "place": "x",
                "capacity": 50,
                "starts_at": f"{next_week(2)}T09:00:00+08:00",
                "ends_at": f"{next_week(2)}T10:00:00+08:00",
            },
            a,
        )
    )(in_county_activity()),
    # Assistance: proxy services, requests, volunteers and home services of 南湖区.
    ("POST", "/api/v1/assistance/services"): lambda: Attempt(
        {},
        {"county": COUNTY, "name": "越界代办", "office": "x", "usual_days": 3, "mode": "nearby"},
        place_field="county",
    ),
    ("PUT", "/api/v1/assistance/services/{id}"): lambda: (
        lambda s: Attempt(
            {"id": s.pk},
            {"name": "改了", "office": s.office, "usual_days": 3, "mode": s.mode},
            s,
        )
    )(in_county(ProxyService)),
    ("POST", "/api/v1/assistance/requests"): lambda: Attempt(
        {}, {"service": in_county(ProxyService).pk, "resident": in_county(Resident).pk}
    ),
    ("POST", "/api/v1/assistance/{number}/{action}"): lambda: (
        lambda r: Attempt({"number": r.number, "action": "cancel"}, {"note": "x"}, r)
    )(in_county(ProxyRequest, status="requested")),
    ("POST", "/api/v1/volunteers/activities/{id}/signups"): lambda: (
        lambda a, v: Attempt({"id": a.pk}, {"volunteer": v.pk}, a)
    )(*a_free_place()),
    ("POST", "/api/v1/volunteers/signups/{id}/hours"): lambda: (
        lambda s: Attempt({"id": s.pk}, {"hours": "2.0"}, s)
    )(a_signup(confirmed_at__isnull=True)),
    ("POST", "/api/v1/volunteers/signups/{id}/confirm"): lambda: (
        lambda s: Attempt({"id": s.pk}, {}, s)
    )(a_signup(confirmed_at__isnull=True, hours__isnull=False)),
    ("POST", "/api/v1/homecare"): lambda: (
        lambda t: Attempt(
            {},
            {
                "resident": t.resident_id,
                "group": t.group.code,
                "team": t.team_id,
                "summary": "越界",
                "due_day": next_week(3),
            },
            t.resident,
        )
    )(in_county(HomeTask, team__isnull=False)),
    ("POST", "/api/v1/homecare/{number}/{action}"): lambda: (
        lambda t: Attempt({"number": t.number, "action": "cancel"}, {"note": "x"}, t)
    )(in_county(HomeTask, status="assigned")),
    # Households: the ledgers of 南湖区 and its door-knocking canvasses.
    ("POST", "/api/v1/buildings"): lambda: Attempt(
        {}, {"name": "越界楼", "address": "越界路1号", "microgrid": a_microgrid().code}
    ),
    ("PUT", "/api/v1/buildings/{id}"): lambda: (
        lambda b: Attempt(
            {"id": b.pk},
            {"name": "越界楼", "address": "越界路1号", "microgrid": a_microgrid().code},
            b,
        )
    )(in_county(Building)),
    ("POST", "/api/v1/buildings/{id}/units"): lambda: (
        lambda b: Attempt({"id": b.pk}, {"target": a_target().pk}, b)
    )(in_county(Building)),
    ("DELETE", "/api/v1/buildings/{id}/units/{target}"): lambda: (
        lambda p: Attempt({"id": p.building_id, "target": p.target_id}, {}, p)
    )(a_placed_unit()),
    ("POST", "/api/v1/houses"): lambda: (
        lambda b: Attempt({}, {"building": b.pk, "use": "own_home", "room": "999"}, b)
    )(in_county(Building)),
    ("POST", "/api/v1/households"): lambda: (lambda h: Attempt({}, {"house": h.pk}, h))(
        in_county(House)
    ),
    ("POST", "/api/v1/residents"): lambda: (
        lambda h: Attempt(
            {}, {"household": h.number, "name": "越界", "id_number": "330402199001011230"}, h
        )
    )(in_county(Household)),
    ("POST", "/api/v1/residents/{id}/moves"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"kind": "move_out"}, r)
    )(in_county(Resident)),
    ("POST", "/api/v1/residents/{id}/reveal"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"field": "phone", "purpose": "contact"}, r)
    )(in_county(Resident)),
    ("POST", "/api/v1/residents/{id}/colour"): lambda: (
        lambda r: Attempt({"id": r.pk}, {"colour": "red", "reason": "越界"}, r)
    )(in_county(Resident)),
    ("POST", "/api/v1/canvasses"): lambda: Attempt(
        {},
        {
            "title": "越界走访",
            "region": Region.objects.get(code=DEMO_TOWN).pk,
            "starts_on": next_week(1),
            "ends_on": next_week(6),
        },
        place_field="region",
    ),
    ("POST", "/api/v1/canvasses/{number}/{action}"): lambda: (
        lambda c: Attempt({"number": c.number, "action": "cancel"}, {"note": "x"}, c)
    )(a_running_canvass()),
    ("POST", "/api/v1/canvasses/{number}/assignments"): lambda: (
        lambda c: Attempt(
            {"number": c.number},
            {"staff": a_nanhu_staff_member().pk, "level": "grid", "region": c.region_id},
            c,
        )
    )(a_running_canvass()),
    ("POST", "/api/v1/canvasses/{number}/households/{household}/excuse"): lambda: (
        lambda row: Attempt(
            {"number": row.canvass.number, "household": row.household.number},
            {"reason": "越界"},
            row,
        )
    )(a_canvassed_household()),
    ("POST", "/api/v1/canvasses/{number}/visits"): lambda: (
        lambda row: Attempt(
            {"number": row.canvass.number}, {"household": row.household.number}, row
        )
    )(a_canvassed_household()),
    # Campaigns: an item of a campaign of 南湖区 (the demo's campaign is in 嘉善县).
    ("POST", "/api/v1/campaigns"): lambda: Attempt(
        {},
        {
            "name": "越界征迁",
            "region": DEMO_TOWN,
            "started_on": next_week(0),
            "stages": [{"name": "摸底"}, {"name": "签约"}],
        },
    ),
    ("POST", "/api/v1/campaigns/{number}/items/{id}/moves"): lambda: (
        lambda i: Attempt({"number": i.campaign.number, "id": i.pk}, {"stage": "摸底"}, i)
    )(an_item(moved=False)),
    ("POST", "/api/v1/campaigns/{number}/items/{id}/undo"): lambda: (
        lambda i: Attempt({"number": i.campaign.number, "id": i.pk}, {"reason": "越界"}, i)
    )(an_item(moved=True)),
    # Care for the people on duty: posts, shifts, the duty policy, rest orders, care visits.
    ("POST", "/api/v1/duty-posts"): lambda: Attempt(
        {},
        {"code": "X-CROSS", "name": "越界岗", "kind": "checkpoint", "region": DEMO_TOWN},
        place_field="region",
    ),
    ("POST", "/api/v1/shifts"): lambda: (
        lambda s: Attempt(
            {},
            {
                "staff": s.staff_id,
                "post": s.post_id,
                "starts_at": f"{next_week(20)}T08:00:00+08:00",
                "ends_at": f"{next_week(20)}T16:00:00+08:00",
            },
            place_field="post",
        )
    )(in_county(Shift)),
    ("DELETE", "/api/v1/shifts/{id}"): lambda: (lambda s: Attempt({"id": s.pk}, {}, s))(
        in_county(Shift)
    ),
    ("PUT", "/api/v1/duty-policies/{county}"): lambda: Attempt(
        {"county": COUNTY},
        {
            "max_hours_day": 20,
            "max_hours_week": 100,
            "max_days_in_a_row": 20,
            "max_nights_in_a_row": 20,
            "max_nights_week": 7,
        },
    ),
    ("POST", "/api/v1/duty/detect"): lambda: Attempt({}, {"county": COUNTY}),
    ("POST", "/api/v1/rest-orders/{number}/{action}"): lambda: (
        lambda o: Attempt({"number": o.number, "action": "dismiss"}, {"note": "x"}, o)
    )(a_proposed_rest_order()),
    ("POST", "/api/v1/care-visits"): lambda: Attempt(
        {}, {"post": in_county(DutyPost).pk, "problems": ["越界"]}, place_field="post"
    ),
    ("POST", "/api/v1/care-problems/{number}/{action}"): lambda: (
        lambda p: Attempt({"number": p.number, "action": "take"}, {}, p)
    )(in_county(CareProblem, status="raised")),
    # Evaluation: the demo's draft of this month for 南湖区's towns.
    ("POST", "/api/v1/evaluation/sets/{code}/months/{month}/evaluate"): lambda: (
        lambda e: Attempt({"code": DEMO_SET, "month": e.period_text}, {}, e)
    )(a_draft_evaluation()),
    ("POST", "/api/v1/evaluation/sets/{code}/months/{month}/publish"): lambda: (
        lambda e: Attempt({"code": DEMO_SET, "month": e.period_text}, {}, e)
    )(a_draft_evaluation()),
    ("POST", "/api/v1/evaluation/sets/{code}/indicators"): "a file upload into a set: refused "
    "with 404 to another county (tests/evaluation/test_pages_and_api.py)",
}


def a_webhook() -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name="南湖区推送", url="https://93.184.216.34/hook", secret="whsec_QUJDRA==",
        topics=["event.overdue"], region=Region.objects.get(code=DEMO_TOWN),
        created_by=Staff.objects.filter(user__isnull=False).first().user,
    )  # fmt: skip


def a_webhook_message() -> WebhookMessage:
    return WebhookMessage.objects.create(
        msg_id="msg_cross_area", subscription=a_webhook(), topic="event.overdue",
        status="delivered", attempts=1,
    )  # fmt: skip


def a_report_subscription() -> ReportSubscription:
    return ReportSubscription.objects.create(
        region=Region.objects.get(code=DEMO_TOWN), frequency="daily",
        created_by=Staff.objects.filter(user__isnull=False).first().user,
    )  # fmt: skip


OBJECTS.update(
    {
        # Reports and webhooks: subscriptions of 东栅街道.
        ("POST", "/api/v1/webhooks"): lambda: Attempt(
            {},
            {
                "name": "越界",
                "url": "https://93.184.216.34/h",
                "topics": ["event.overdue"],
                "region": DEMO_TOWN,
            },
            place_field="region",
        ),
        ("DELETE", "/api/v1/webhooks/{id}"): lambda: (lambda w: Attempt({"id": w.pk}, {}, w))(
            a_webhook()
        ),
        ("POST", "/api/v1/webhooks/{id}/active"): lambda: (
            lambda w: Attempt({"id": w.pk}, {"active": False}, w)
        )(a_webhook()),
        ("POST", "/api/v1/webhooks/{id}/test"): lambda: (lambda w: Attempt({"id": w.pk}, {}, w))(
            a_webhook()
        ),
        ("POST", "/api/v1/webhook-messages/{id}/redeliver"): lambda: (
            lambda m: Attempt({"id": m.pk}, {}, m)
        )(a_webhook_message()),
        ("POST", "/api/v1/report-subscriptions"): lambda: Attempt(
            {}, {"region": DEMO_TOWN, "frequency": "daily"}, place_field="region"
        ),
        ("DELETE", "/api/v1/report-subscriptions/{id}"): lambda: (
            lambda r: Attempt({"id": r.pk}, {}, r)
        )(a_report_subscription()),
    }
)

OPERATIONS = [(method, path) for method, path, _types in write_operations()]


def test_every_write_operation_of_the_schema_has_an_entry():
    missing = [f"{m} {p}" for m, p in OPERATIONS if (m, p) not in OBJECTS]
    assert not missing, f"say how to aim these at another area's object: {missing}"
    gone = [f"{m} {p}" for m, p in OBJECTS if (m, p) not in OPERATIONS]
    assert not gone, f"these operations are no longer in the schema: {gone}"


@pytest.fixture
def other_area_admin() -> Client:
    """An administrator of 秀洲区 with an API token: every capability, another place."""
    staff = do_create_staff(
        StaffData("秀洲区管理员", Role.ADMIN, Region.objects.get(code=XIUZHOU)), actor="test"
    )
    user = do_create_account(staff, actor="test", username="xiuzhou-admin", password=PASSWORD)
    _token, secret = do_issue_token(user, actor=user, name="cross-area")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def refused(attempt: Attempt, response) -> bool:
    if attempt.batch is not None:
        return response.status_code == 200 and not response.json()[attempt.batch]
    if attempt.place_field is not None and response.status_code == 400:
        return attempt.place_field in {e["field"] for e in response.json().get("errors", [])}
    return response.status_code in (403, 404)


def snapshot(obj) -> dict | None:
    if obj is None:
        return None
    obj.refresh_from_db()
    return model_to_dict(obj)


@pytest.mark.parametrize(
    ("method", "path"),
    [op for op in OPERATIONS if callable(OBJECTS.get(op))],
    ids=[f"{m} {p}" for m, p in OPERATIONS if callable(OBJECTS.get((m, p)))],
)
def test_another_areas_user_cannot_write_to_this_areas_objects(method, path, other_area_admin):
    attempt = OBJECTS[(method, path)]()
    url = path.format(**attempt.params)
    before, audited = snapshot(attempt.target), AuditEntry.objects.count()
    response = other_area_admin.generic(
        method, url, json.dumps(attempt.body), content_type="application/json"
    )
    assert refused(attempt, response), (url, response.status_code, response.content[:300])
    assert AuditEntry.objects.count() == audited, "the refused write left an audit entry"
    assert snapshot(attempt.target) == before
