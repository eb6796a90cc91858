"""Demo supervision in 东栅街道, after the seed: the discipline office's 2 supervision groups of
8 officers and 28 village squads; supervision posts at the test points and the 4 motorway exits
(on site and online, 24 h) and at every farm, firm and community (农-企-社); 45 suggestions;
6 common-prosperity projects with their budgets, ledgers, plans and 30+ special checks
(一项一方案、一项一督查); and findings in every state of the loop, each taken there by the
actions a group and a unit would take.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gridgov.inspections.actions import TargetData, do_create_target
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.demo import _point_in
from gridgov.inspections.models import InspectionTarget
from gridgov.org.actions import StaffData, do_bulk_create_staff, do_create_account
from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_PASSWORD, DEMO_TOWN, PeopleFactory
from gridgov.org.models import Department, Staff
from gridgov.regions.models import Region

from . import actions
from .choices import CheckKind, FindingKind, PostMode, SuggestionSource
from .models import Disbursement
from .workflow import FINDING_WORKFLOW as WORKFLOW

GROUPS = 2
OFFICERS_PER_GROUP = 8
SQUADS = 28
SUGGESTIONS = 45
TEST_POINTS = 3
MOTORWAY_EXITS = ("嘉兴东出口", "嘉兴南出口", "凤桥出口", "嘉兴出口")
SUPERVISOR_LOGIN = "supervisor-group"
# The 6 common-prosperity projects: (name, budget lines (name, 万元), checks).
PROJECTS = [
    ("未来社区建设", [("土建", 180), ("景观", 60), ("智慧设施", 40)], 6),
    ("农村道路提升", [("路面", 120), ("排水", 30)], 5),
    ("强村公司物业经营", [("购置", 200), ("装修", 50)], 5),
    ("共富工坊", [("厂房改造", 80), ("设备", 45)], 5),
    ("居家养老服务中心", [("改建", 90), ("设备", 25), ("运营", 20)], 5),
    ("农田水利改造", [("渠道", 70), ("泵站", 35)], 6),
]
SUGGESTION_TEXTS = (
    "建议检测点增加夜间值守人员",
    "建议公开项目资金使用明细",
    "高速出口排队时间较长，建议增开通道",
    "建议村务公开栏及时更新",
    "建议加强农贸市场防疫检查",
    "工地噪声扰民，建议督促整改",
    "建议为值守人员配备御寒物资",
    "建议简化企业复工审批流程",
    "建议共富工坊优先吸纳本村劳动力",
)
FINDING_SUMMARIES = {
    FindingKind.PREVENTION: "检测点登记不全、测温流于形式",
    FindingKind.DUTY: "卡口值守人员脱岗",
    FindingKind.WORK_STYLE: "窗口服务态度生硬，群众反映强烈",
    FindingKind.SERVICE: "办事指南未及时更新",
    FindingKind.SAFETY: "企业消防通道堵塞未督促整改",
}
# How far along the loop each demo finding goes: every state is reached.
PATHS = (
    [],
    ["assign"],
    ["assign", "rectify"],
    ["assign", "rectify", "improve"],
    ["assign", "rectify", "improve", "verify"],
    ["assign", "rectify", "improve", "verify", "close"],
    ["assign", "rectify", "return"],
    ["dismiss"],
)


def load_demo_supervision(*, seed: int, actor) -> dict:
    rng = random.Random(seed + 12)  # noqa: S311 - demo data, not secrets
    town = Region.objects.get(code=DEMO_TOWN)
    office = Department.objects.get(code=f"{DEMO_TOWN}-JGW")
    officers = _officers(seed, town, office, actor)
    groups, squads = _groups(town, office, officers, actor)
    targets = _units(rng, town, actor)
    posts = _posts(rng, town, groups, targets, actor)
    suggestions = _suggestions(rng, posts, actor)
    projects = _projects(rng, town, groups, actor)
    lead = Staff.objects.get(user__username=SUPERVISOR_LOGIN).user
    findings = _findings(rng, groups, posts, targets, lead)
    return {
        "groups": len(groups),
        "squads": len(squads),
        "posts": len(posts),
        "suggestions": suggestions,
        "projects": len(projects),
        "findings": findings,
    }


def _officers(seed, town, office, actor) -> list[Staff]:
    people = PeopleFactory(seed + 12)
    rows = [
        StaffData(**{**people.staff(Role.SUPERVISOR, town, office, DEMO_TOWN[:6]).__dict__})
        for _ in range(GROUPS * OFFICERS_PER_GROUP)
    ]
    officers = do_bulk_create_staff(rows, actor=actor)
    do_create_account(officers[0], actor=actor, username=SUPERVISOR_LOGIN, password=DEMO_PASSWORD)
    return officers


def _groups(town, office, officers, actor):
    groups = [
        actions.do_create_group(
            name=f"{town.name}第{'一二'[n]}监督组",
            region=town,
            office=office,
            actor=actor,
            members=officers[n * OFFICERS_PER_GROUP : (n + 1) * OFFICERS_PER_GROUP],
        )
        for n in range(GROUPS)
    ]
    villages = list(Region.objects.filter(parent=town, level="village").order_by("code"))
    squads = []
    for n in range(SQUADS):
        village = villages[n % len(villages)]
        short = village.name.removesuffix("居委会").removesuffix("委员会")
        squads.append(
            actions.do_create_group(
                name=f"{short}监督小分队{n // len(villages) + 1}",
                region=village,
                office=office,
                parent=groups[n % GROUPS],
                actor=actor,
                members=[officers[n % len(officers)]],
            )
        )
    return groups, squads


def _microgrids(town):
    return list(
        Region.objects.filter(level="microgrid", town=town, boundary__isnull=False).order_by("code")
    )


def _units(rng, town, actor) -> list[InspectionTarget]:
    """The farms, firms and communities the posts sit in (农-企-社), and the checkpoints."""
    microgrids = _microgrids(town)
    made = []
    for name in ("东栅家庭农场", "云阳果蔬专业合作社", "东栅社区服务中心", "双溪社区服务中心"):
        lon, lat = _point_in(rng, rng.choice(microgrids))
        made.append(
            do_create_target(
                TargetData(kind=TargetKind.OTHER, name=name, lon=lon, lat=lat), actor=actor
            )
        )
    firms = InspectionTarget.objects.filter(town=town, kind=TargetKind.ENTERPRISE).order_by("pk")
    return made + list(firms)


def _posts(rng, town, groups, targets, actor):
    microgrids = _microgrids(town)
    start = timezone.localdate() - dt.timedelta(days=120)
    posts = []
    places = [(f"核酸检测点{n + 1}号监督哨", PostMode.OFFLINE) for n in range(TEST_POINTS)]
    places += [(f"高速{name}监督哨", PostMode.BOTH) for name in MOTORWAY_EXITS]
    for n, (name, mode) in enumerate(places):
        lon, lat = _point_in(rng, rng.choice(microgrids))
        checkpoint = do_create_target(
            TargetData(kind=TargetKind.OTHER, name=name.removesuffix("监督哨"), lon=lon, lat=lat),
            actor=actor,
        )
        posts.append(
            actions.do_create_post(
                actions.PostData(
                    name=name,
                    group=groups[n % len(groups)],
                    mode=mode,
                    lon=lon,
                    lat=lat,
                    active_from=start,
                    checkpoints=[checkpoint],
                ),
                actor=actor,
            )
        )
    for n, target in enumerate(targets):
        posts.append(
            actions.do_create_post(
                actions.PostData(
                    name=f"{target.name}监督哨",
                    group=groups[n % len(groups)],
                    target=target,
                    mode=PostMode.OFFLINE,
                    active_from=start,
                ),
                actor=actor,
            )
        )
    return posts


def _suggestions(rng, posts, actor) -> int:
    for n in range(SUGGESTIONS):
        unit = n % 5 == 0
        actions.do_record_suggestion(
            posts[n % len(posts)],
            text=SUGGESTION_TEXTS[n % len(SUGGESTION_TEXTS)],
            actor=actor,
            source=SuggestionSource.UNIT if unit else SuggestionSource.PUBLIC,
            unit_name=posts[n % len(posts)].name.removesuffix("监督哨") if unit else "",
        )
    return SUGGESTIONS


def _projects(rng, town, groups, actor):
    today = timezone.localdate()
    units = list(
        Department.objects.filter(region=town).exclude(code__endswith="-JGW").order_by("code")
    )
    projects = []
    for n, (name, lines, checks) in enumerate(PROJECTS):
        code = f"GF{DEMO_TOWN[-3:]}-{n + 1:02d}"
        project = actions.do_create_project(
            actions.ProjectData(
                code=code,
                name=name,
                region=town,
                department=units[n % len(units)],
                group=groups[n % len(groups)],
                lines=[
                    (f"{code}-{i + 1}", line, Decimal(wan) * 10000)
                    for i, (line, wan) in enumerate(lines)
                ],
                parties=[(f"嘉兴{name}建设有限公司", ""), (f"东栅{name}劳务合作社", "")],
                progress=30 + 10 * n,
                funds_received_on=today - dt.timedelta(days=200 - 10 * n),
                plan_title=f"{name}资金专项监督方案",
                plan_text="一项一方案：明确监督重点为资金拨付、合同履约与工程进度，每月专项督查一次。",
                plan_approved_on=today - dt.timedelta(days=190),
            ),
            actor=actor,
        )
        for c in range(checks):
            actions.do_record_check(
                project,
                kind=CheckKind.SPECIAL,
                actor=actor,
                checked_on=today - dt.timedelta(days=180 - 30 * c),
                subject=f"第{c + 1}次专项督查：资金拨付与进度",
                result="发现问题已督促整改" if c % 3 == 0 else "未发现问题",
                problems=int(c % 3 == 0),
            )
        _ledger(rng, project, n, today)
        projects.append(project)
    # The anomalies of the ledgers (a line overpaid, a payee without a contract, a split) are
    # raised as findings by the same rules the daily job runs.
    actions.do_run_fund_rules(projects, actor="system:fund-rules")
    return projects


def _ledger(rng, project, n, today) -> None:
    """Payments along the project's progress; a few of them anomalies on purpose."""
    lines = list(project.budget_lines.order_by("code"))
    party = project.parties.order_by("name").first().name
    rows = []
    for i, line in enumerate(lines):
        share = Decimal(project.progress) / 100
        rows.append((f"{project.code}-P{i + 1}", line, party, (line.amount * share).quantize(1)))
    if n == 0:  # a line paid beyond its budget
        rows.append((f"{project.code}-P9", lines[0], party, lines[0].amount))
    if n == 1:  # a payee with no contract
        rows.append((f"{project.code}-P9", lines[1], "嘉兴某某咨询服务部", Decimal("18000")))
    if n == 2:  # a payment split under the threshold
        rows += [(f"{project.code}-S{k}", lines[1], party, Decimal("48500")) for k in (1, 2, 3)]
    Disbursement.objects.bulk_create(
        [
            Disbursement(
                project=project,
                line=line,
                reference=ref,
                payee=payee,
                amount=amount,
                paid_on=today - dt.timedelta(days=60 - 5 * k),
            )
            for k, (ref, line, payee, amount) in enumerate(rows)
        ]
    )


def _findings(rng, groups, posts, targets, lead) -> int:
    """Findings at posts and units, each taken along its path by the group's lead supervisor
    and the responsible unit's people."""
    county_units = list(
        Department.objects.filter(code__in=[f"{DEMO_TOWN[:6]}-SCJGJ", f"{DEMO_TOWN}-ZD"])
    )
    kinds = list(FINDING_SUMMARIES)
    count = 0
    for n in range(len(PATHS) * 3):
        path = PATHS[n % len(PATHS)]
        post = posts[n % len(posts)]
        kind = kinds[n % len(kinds)]
        unit = county_units[n % len(county_units)] if n % 3 else None
        finding = actions.do_record_finding(
            actions.FindingData(
                group=groups[0],
                kind=kind,
                summary=f"{post.name.removesuffix('监督哨')}：{FINDING_SUMMARIES[kind]}",
                post=post,
                department=unit,
                target=None if unit else post.target,
                rectify_days=5 + n % 10,
            ),
            actor=lead,
        )
        if finding.department_id is None and finding.target_id is None:
            finding = _with_unit(finding, county_units[0], lead, path)
        else:
            _walk(finding, path, lead)
        count += 1
    return count


def _with_unit(finding, unit, lead, path):
    if path and path[0] == "assign":
        actions.do_assign_finding(finding.pk, actor=lead, department=unit.code)
        path = path[1:]
    _walk(finding, path, lead)
    return finding


def _walk(finding, path, lead) -> None:
    responsible = None
    for action in path:
        finding.refresh_from_db()
        if action in ("rectify", "improve"):
            responsible = responsible or _responsible_user(finding)
            extra = {"measures": "建立每日巡查与台账制度"} if action == "improve" else {}
            WORKFLOW.act(finding.pk, action, actor=responsible, note="已按要求整改", **extra)
        else:
            WORKFLOW.act(finding.pk, action, actor=lead, note="督查意见")


def _responsible_user(finding):
    if finding.department_id is not None:
        staff = (
            Staff.objects.filter(department=finding.department, role=Role.OFFICER, is_active=True)
            .order_by("pk")
            .first()
        )
    else:
        staff = (
            Staff.objects.filter(
                region__town_id=finding.town_id, role=Role.DISPATCHER, is_active=True
            )
            .order_by("pk")
            .first()
        )
    if staff.user_id is None:
        do_create_account(
            staff, actor="demo", username=f"officer-{staff.pk}", password=DEMO_PASSWORD
        )
        staff.refresh_from_db()
    return staff.user
