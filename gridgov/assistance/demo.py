"""Demo resident services in 东栅街道 (the demo town of the ledgers): the county's proxy
catalogue (公交卡办理, 养老金资格认证, 高龄津贴申领, 残疾人证办理, 医保报销代办…), the grid staff
who act as red proxy agents, requests in every state of the loop (each taken there by the
actions an agent and a grid worker would take), the five red-steward teams of one village with
activities, sign-ups and confirmed hours, and home-service tasks for residents over 80 and
disabled residents. Small on purpose: it reads the ledgers' residents; without them it writes a
few households of its own through the ledgers' actions."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gridgov.core.validators import id_number_check_character
from gridgov.households import actions as ledgers
from gridgov.households.choices import HouseUse
from gridgov.households.models import Resident, SpecialGroup
from gridgov.households.selectors import members_of
from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_TOWN
from gridgov.org.models import Staff
from gridgov.regions.models import Region

from . import actions
from .choices import RequestedBy, ServiceMode, TeamKind
from .models import ProxyRequest
from .workflow import REQUEST_WORKFLOW, TASK_WORKFLOW

SERVICES = [
    ("公交卡办理", "身份证、一寸照片", "市公交集团服务网点", 3, ServiceMode.NEARBY),
    ("养老金资格认证", "身份证、社保卡", "区社会保险事业管理中心", 1, ServiceMode.AT_HOME),
    ("高龄津贴申领", "身份证、户口簿、银行卡", "街道社会事务办", 5, ServiceMode.AT_ONCE),
    ("残疾人证办理", "身份证、户口簿、医院诊断证明、两寸照片", "区残疾人联合会", 15,
     ServiceMode.AT_HOME),
    ("医保报销代办", "社保卡、发票、病历、费用清单", "区医疗保障局", 10, ServiceMode.NEARBY),
    ("居住证办理", "身份证、租房合同、照片", "派出所户籍窗口", 7, ServiceMode.NEARBY),
]  # fmt: skip
# Where each demo request is left: the actions taken after "request".
PATHS = [
    (),
    ("accept",),
    ("accept", "collect"),
    ("accept", "collect", "submit"),
    ("accept", "collect", "submit", "finish"),
    ("accept", "collect", "submit", "finish", "confirm"),
    ("refuse",),
    ("cancel",),
]
AGENTS = 3
TEAMS = [
    ("民情红管家", TeamKind.PEOPLE, "走访收集民情", "社区议事厅"),
    ("治水红管家", TeamKind.WATER, "河道巡查清漂", "长水塘沿岸"),
    ("爱心红管家", TeamKind.CARE, "独居老人探访", "社区居家养老服务站"),
    ("平安红管家", TeamKind.SAFETY, "夜间平安巡逻", "社区警务室"),
    ("卫生红管家", TeamKind.HEALTH, "垃圾分类督导", "小区分类投放点"),
]
VOLUNTEERS_PER_TEAM = 4
SKILLS = ("理发", "家电维修", "医疗护理", "法律咨询", "心理疏导", "")
SYSTEM = "command:load_demo"


def load_demo_assistance(*, actor=SYSTEM) -> dict:
    town = Region.objects.get(code=DEMO_TOWN)
    services = [
        actions.do_save_service(
            actions.ServiceData(name, documents, office, days, mode),
            actor=actor,
            county=town.county,
        )
        for name, documents, office, days, mode in SERVICES
    ]
    agents = _agents(town, actor)
    requests = 0
    for n, staff in enumerate(agents):
        residents = _residents_of(staff.region, n, actor)
        for i, path in enumerate(PATHS):
            _request(services[(n + i) % len(services)], residents[i % len(residents)], path, staff)
            requests += 1
    village = agents[0].region.village if agents else town
    teams = _teams(village, actor)
    tasks = _home_tasks(village, teams, actor)
    return {"services": len(services), "agents": len(agents), "requests": requests,
            "teams": len(teams), "tasks": tasks}  # fmt: skip


def _agents(town, actor) -> list[Staff]:
    """Grid staff with a login, flagged as agents of their own grid."""
    posts = Staff.objects.filter(
        region__town=town,
        region__level__in=("grid", "microgrid"),
        role__in=(Role.MICROGRID_LEADER, Role.GRID_WORKER),
        is_active=True,
        user__isnull=False,
    ).select_related("region", "user")
    chosen, grids = [], set()
    for post in posts.order_by("region__code", "pk"):
        if post.region.grid_id not in grids:
            grids.add(post.region.grid_id)
            chosen.append(post)
        if len(chosen) == AGENTS:
            break
    for post in chosen:
        actions.do_set_agent(post, region=post.region, actor=actor)
    return chosen


def _id_number(born: dt.date, serial: int) -> str:
    first17 = f"330402{born:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_character(first17)


def _residents_of(region, n: int, actor) -> list[Resident]:
    """Residents of the agent's area from the ledgers; a household of three otherwise."""
    found = list(Resident.objects.filter(**{region.level: region}).order_by("pk")[:6])
    if found:
        return found
    microgrid = Region.objects.filter(level="microgrid", **{region.level: region}).first()
    building = ledgers.do_add_building(
        ledgers.BuildingData(
            name=f"{n + 1}幢", address=f"东栅街道代办路{n + 1}号", microgrid=microgrid.code
        ),
        actor=actor,
    )
    house = ledgers.do_add_house(
        building, ledgers.HouseData(use=HouseUse.OWN_HOME, unit="1", room="101"), actor=actor
    )
    household = ledgers.do_add_household(house, actor=actor)
    people = [("沈阿婆", dt.date(1938, 4, 2), 802), ("沈大伯", dt.date(1940, 9, 9), 811),
              ("沈建华", dt.date(1968, 1, 5), 821)]  # fmt: skip
    made = []
    for name, born, serial in people:
        made.append(
            ledgers.do_add_resident(
                household,
                actor=actor,
                name=name,
                id_number=_id_number(born, serial + n * 3),
                phone=f"1380573{n:02d}{serial:02d}"[:11],
                on=dt.date(2020, 1, 1),
            )
        )
    disabled = SpecialGroup.objects.filter(code="disabled").first()
    if disabled is not None:
        ledgers.do_set_groups(made[-1], [disabled], actor=actor)
    return made


def _request(service, resident, path, agent) -> ProxyRequest:
    item = actions.do_request_service(
        service, resident, actor=SYSTEM, requested_by=RequestedBy.GRID_VISIT
    )
    user = agent.user
    for step in path:
        input = {"satisfaction": 5} if step == "confirm" else {}
        note = (
            "材料不全，无法代办"
            if step == "refuse"
            else ("居民已自行办理" if step == "cancel" else "")
        )
        REQUEST_WORKFLOW.act(item.pk, step, actor=user, note=note, **input)
    return item


def _teams(village, actor) -> list:
    organiser = (
        Staff.objects.filter(region__village=village, is_active=True, user__isnull=False)
        .order_by("pk")
        .first()
    )
    residents = list(Resident.objects.filter(village=village).order_by("pk")[:40])
    now = timezone.now()
    teams = []
    for t, (name, kind, title, place) in enumerate(TEAMS):
        team = actions.do_add_team(village, name=name, kind=kind, actor=actor, organiser=organiser)
        members = [
            actions.do_add_volunteer(
                team,
                actor=actor,
                name=f"{name[:2]}志愿者{v + 1}",
                resident=residents[(t * VOLUNTEERS_PER_TEAM + v) % len(residents)]
                if residents and v % 2 == 0
                else None,
                skills=SKILLS[(t + v) % len(SKILLS)],
            )
            for v in range(VOLUNTEERS_PER_TEAM)
        ]
        past = now - dt.timedelta(days=7 + t)
        done = actions.do_add_activity(
            team, actor=actor, title=title, place=place, starts_at=past,
            ends_at=past + dt.timedelta(hours=2), capacity=10,
        )  # fmt: skip
        coming = now + dt.timedelta(days=3 + t)
        upcoming = actions.do_add_activity(
            team, actor=actor, title=f"{title}（下期）", place=place, starts_at=coming,
            ends_at=coming + dt.timedelta(hours=2), capacity=VOLUNTEERS_PER_TEAM,
        )  # fmt: skip
        for v, member in enumerate(members):
            signup = actions.do_sign_up(done, member, actor=actor)
            actions.do_record_hours(signup, 2 if v else "1.5", actor=actor)
            if organiser is not None and v < VOLUNTEERS_PER_TEAM - 1:
                actions.do_confirm_hours(signup, actor=organiser.user)
            if v < 2:
                actions.do_sign_up(upcoming, member, actor=actor)
        teams.append(team)
    return teams


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("home-service.jpg", out.getvalue(), content_type="image/jpeg")


def _worker_over(resident):
    """A login of the grid's or the town's staff who records the service done."""
    posts = Staff.objects.filter(
        role__in=(Role.GRID_WORKER, Role.DISPATCHER), is_active=True, user__isnull=False,
        region__in=[r for r in (resident.grid_id, resident.village_id, resident.town_id) if r],
    )  # fmt: skip
    post = posts.select_related("user").order_by("-region__level", "pk").first()
    return post.user if post is not None else None


def _home_tasks(village, teams, actor) -> int:
    """Tasks for the village's residents over 80 and disabled residents: the first of each
    group done (with a note and a photo), the others assigned."""
    today = timezone.localdate()
    care = next((t for t in teams if t.kind == TeamKind.CARE), None)
    if care is None:
        return 0
    residents = Resident.objects.filter(village=village)
    made = 0
    for code, summary in (("age80", "上门理发、打扫卫生"), ("disabled", "上门康复陪护")):
        group = SpecialGroup.objects.filter(code=code).first()
        if group is None:
            continue
        for i, resident in enumerate(members_of(group, residents, today).order_by("pk")[:3]):
            task = actions.do_assign_home_task(
                resident, group, actor=actor, summary=summary, team=care,
                due_day=today + dt.timedelta(days=2 + i),
            )  # fmt: skip
            made += 1
            worker = _worker_over(resident) if i == 0 else None
            if worker is not None:
                TASK_WORKFLOW.act(
                    task.pk, "finish", actor=worker, note="已上门服务，老人满意", photos=[_photo()]
                )
    return made
