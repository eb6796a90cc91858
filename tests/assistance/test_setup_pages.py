"""Configuring the resident services on their pages: volunteer teams, members (a resident
found in the ledgers, a staff member), skills, activities, red proxy agents, a home-service
task. Every write one action and one audit row; bad input a clear 4xx changing nothing; no
link and a refused POST for people without the capability; 404 for another county."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.assistance import actions
from gridgov.assistance.models import Activity, Agent, HomeTask, Volunteer, VolunteerTeam
from gridgov.core.models import AuditEntry
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.regions.models import Region
from tests.conftest import PASSWORD, client_for
from tests.households.conftest import PHONE_A

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
AUDIT_START = 0


@pytest.fixture
def manager(dispatcher_town):
    return client_for(dispatcher_town)


@pytest.fixture
def team(grid_a):
    return actions.do_add_team(grid_a.village, name="测试志愿队", kind="care", actor=SYSTEM)


@pytest.fixture
def activity(team):
    start = timezone.now() + dt.timedelta(days=2)
    return actions.do_add_activity(
        team, actor=SYSTEM, title="清扫", place="小区广场", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), capacity=2,
    )  # fmt: skip


@pytest.fixture
def xiuzhou_admin():
    staff = do_create_staff(
        StaffData("秀洲区管理员", Role.ADMIN, Region.objects.get(code="330411")), actor="test"
    )
    return do_create_account(staff, actor="test", username="xz-admin-svc", password=PASSWORD)


@pytest.fixture(autouse=True)
def audit_start():
    """The audit log as the demo left it: a test counts only the rows written after (its
    fixtures' rows included)."""
    global AUDIT_START
    AUDIT_START = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def audited(action):
    return AuditEntry.objects.filter(action=action, pk__gt=AUDIT_START).count()


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def activity_form(team, **changes):
    start = timezone.now() + dt.timedelta(days=3)
    form = {"what": "activity", "title": "义诊", "place": "村文化礼堂", "starts_at": local(start),
            "ends_at": local(start + dt.timedelta(hours=3)), "capacity": "10"}  # fmt: skip
    return {**form, **changes}


def test_every_configuration_page_renders_for_the_towns_dispatcher(
    manager, team, activity, ledger_a
):
    for url in (
        "/services/volunteers/teams/",
        f"/services/volunteers/teams/{team.pk}/",
        f"/services/volunteers/teams/{team.pk}/?q={PHONE_A}&staff_q=",
        f"/services/volunteers/activities/{activity.pk}/edit/",
        "/services/agents/",
        "/services/home/new/",
        f"/services/home/new/?group=alone60&q={PHONE_A}",
    ):
        assert manager.get(url).status_code == 200, url
    for home in ("/services/", "/services/volunteers/", "/services/home/"):
        assert 'id="configure-links"' in manager.get(home).content.decode(), home
    assert (
        "王建国"
        in manager.get(f"/services/volunteers/teams/{team.pk}/?q={PHONE_A}").content.decode()
    )


def test_a_grid_worker_sees_no_links_and_a_direct_post_is_refused(gridworker_a, team, grid_a):
    client = client_for(gridworker_a)
    for home in ("/services/", "/services/volunteers/", "/services/home/"):
        assert 'id="configure-links"' not in client.get(home).content.decode(), home
    before = AuditEntry.objects.count(), VolunteerTeam.objects.count()
    assert client.get("/services/volunteers/teams/").status_code == 403
    made = client.post("/services/volunteers/teams/",
                       {"name": "越权队", "kind": "care", "region": grid_a.village_id})  # fmt: skip
    changed = client.post(f"/services/volunteers/teams/{team.pk}/",
                          {"what": "edit", "name": "改名", "kind": "care"})  # fmt: skip
    assert made.status_code == changed.status_code == 403
    assert (AuditEntry.objects.count(), VolunteerTeam.objects.count()) == before
    team.refresh_from_db()
    assert team.name == "测试志愿队"


def test_another_countys_administrator_gets_404_and_changes_nothing(
    xiuzhou_admin, team, activity, gridworker_a
):
    client = client_for(xiuzhou_admin)
    volunteer = actions.do_add_volunteer(team, actor=SYSTEM, name="甲")
    post = Staff.objects.get(user=gridworker_a)
    agent = actions.do_set_agent(post, region=post.region, actor=SYSTEM)
    before = AuditEntry.objects.count()
    for url, body in (
        (
            f"/services/volunteers/teams/{team.pk}/",
            {"what": "edit", "name": "越界", "kind": "care"},
        ),
        (f"/services/volunteers/teams/{team.pk}/", {"what": "remove", "volunteer": volunteer.pk}),
        (f"/services/volunteers/activities/{activity.pk}/edit/", activity_form(team)),
        (f"/services/agents/{agent.pk}/remove/", {}),
        ("/services/agents/", {"staff": post.pk}),
    ):
        assert client.post(url, body).status_code == 404, url
    assert AuditEntry.objects.count() == before
    team.refresh_from_db(), volunteer.refresh_from_db(), agent.refresh_from_db()
    assert team.name == "测试志愿队" and volunteer.is_active and agent.is_active


# --- Teams and members ------------------------------------------------------------------------


def test_a_team_made_on_its_page_is_saved_with_one_audit_row(manager, grid_a, dispatcher_town):
    organiser = Staff.objects.get(user=dispatcher_town)
    answer = manager.post("/services/volunteers/teams/", {
        "name": "平安巡逻队", "kind": "safety", "region": grid_a.village_id,
        "organiser": organiser.pk,
    })  # fmt: skip
    team = VolunteerTeam.objects.get(name="平安巡逻队")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/teams/{team.pk}/")
    assert team.organiser == organiser and team.region_id == grid_a.village_id
    assert audited("assistance.team.added") == 1


def test_a_team_name_taken_in_the_area_is_refused_with_409(manager, team):
    form = {"name": "测试志愿队", "kind": "care", "region": team.region_id}
    answer = manager.post("/services/volunteers/teams/", form)
    assert (
        answer.status_code == 409 and VolunteerTeam.objects.filter(name="测试志愿队").count() == 1
    )


def test_a_team_is_renamed_on_its_page(manager, team):
    answer = manager.post(f"/services/volunteers/teams/{team.pk}/",
                          {"what": "edit", "name": "爱心服务队", "kind": "care"})  # fmt: skip
    assert answer.status_code == 302
    team.refresh_from_db()
    assert team.name == "爱心服务队" and audited("assistance.team.changed") == 1


def test_a_resident_found_in_the_ledger_joins_gets_skills_and_leaves(manager, team, ledger_a):
    url = f"/services/volunteers/teams/{team.pk}/"
    joined = manager.post(url, {"what": "member", "resident": ledger_a.resident.pk,
                                "skills": "理发"})  # fmt: skip
    assert joined.status_code == 302
    volunteer = Volunteer.objects.get(team=team, resident=ledger_a.resident)
    assert volunteer.name == "王建国" and volunteer.skills == "理发"
    again = manager.post(url, {"what": "member", "resident": ledger_a.resident.pk})
    assert again.status_code == 409 and team.members.count() == 1
    manager.post(url, {"what": "skills", "volunteer": volunteer.pk, "skills": "理发、修鞋"})
    manager.post(url, {"what": "remove", "volunteer": volunteer.pk})
    volunteer.refresh_from_db()
    assert volunteer.skills == "理发、修鞋" and not volunteer.is_active
    assert [audited(f"assistance.volunteer.{a}") for a in ("added", "skills", "removed")] == [
        1,
        1,
        1,
    ]
    assert "王建国" not in manager.get(url).content.decode().split('id="found"')[0]


def test_a_resident_of_another_area_cannot_join(manager, team, ledger_b):
    """The team is of grid A's village; grid B is another village of the town."""
    answer = manager.post(f"/services/volunteers/teams/{team.pk}/",
                          {"what": "member", "resident": ledger_b.resident.pk})  # fmt: skip
    assert answer.status_code == 400 and not team.members.exists()


def test_a_staff_member_of_the_area_joins(manager, team, gridworker_a):
    post = Staff.objects.get(user=gridworker_a)
    answer = manager.post(f"/services/volunteers/teams/{team.pk}/",
                          {"what": "member", "staff": post.pk})  # fmt: skip
    assert answer.status_code == 302 and team.members.get().staff == post


# --- Activities ---------------------------------------------------------------------------------


def test_an_activity_made_on_the_team_page_is_saved_with_one_audit_row(manager, team):
    answer = manager.post(f"/services/volunteers/teams/{team.pk}/", activity_form(team))
    assert answer.status_code == 302
    made = Activity.objects.get(team=team, title="义诊")
    assert made.capacity == 10 and made.ends_at - made.starts_at == dt.timedelta(hours=3)
    assert audited("assistance.activity.added") == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"capacity": "0"},
        {"capacity": "many"},
        {"ends_at": local(timezone.now())},  # before it starts, three days from now
        {"starts_at": "someday"},
        {"title": ""},
    ],
    ids=["capacity 0", "capacity not a number", "end before start", "no start", "no title"],
)
def test_an_activity_with_bad_input_is_refused_and_nothing_is_saved(manager, team, changes):
    answer = manager.post(f"/services/volunteers/teams/{team.pk}/", activity_form(team, **changes))
    assert answer.status_code == 400 and 'class="errorlist"' in answer.content.decode()
    assert not Activity.objects.filter(team=team).exists()
    assert audited("assistance.activity.added") == 0


def test_an_activity_is_moved_and_its_capacity_cannot_fall_below_the_sign_ups(manager, activity):
    team = activity.team
    for name in ("甲", "乙"):
        actions.do_sign_up(activity, actions.do_add_volunteer(team, actor=SYSTEM, name=name),
                           actor=SYSTEM)  # fmt: skip
    url = f"/services/volunteers/activities/{activity.pk}/edit/"
    form = activity_form(team, place="社区服务中心")
    del form["what"]
    too_small = manager.post(url, {**form, "capacity": "1"})
    assert too_small.status_code == 409
    activity.refresh_from_db()
    assert activity.place == "小区广场" and activity.capacity == 2
    moved = manager.post(url, {**form, "capacity": "5"})
    assert moved.status_code == 302
    activity.refresh_from_db()
    assert activity.place == "社区服务中心" and activity.capacity == 5
    assert audited("assistance.activity.changed") == 1
    page = manager.get(f"/services/volunteers/activities/{activity.pk}/").content.decode()
    assert f"/services/volunteers/activities/{activity.pk}/edit/" in page


# --- Agents -------------------------------------------------------------------------------------


def test_a_post_is_flagged_as_an_agent_and_the_flag_taken_off(manager, gridworker_a, grid_a):
    post = Staff.objects.get(user=gridworker_a)
    Agent.objects.filter(staff=post).delete()
    flagged = manager.post("/services/agents/", {"staff": post.pk, "region": grid_a.pk})
    assert flagged.status_code == 302
    agent = Agent.objects.get(staff=post)
    assert agent.is_active and agent.region == grid_a
    removed = manager.post(f"/services/agents/{agent.pk}/remove/")
    agent.refresh_from_db()
    assert removed.status_code == 302 and not agent.is_active
    assert audited("assistance.agent.set") >= 1 and audited("assistance.agent.removed") == 1
    assert manager.post(f"/services/agents/{agent.pk}/remove/").status_code == 302  # told, not 500
    assert audited("assistance.agent.removed") == 1


def test_a_post_working_elsewhere_cannot_be_the_agent_of_an_area(manager, gridworker_b, grid_a):
    post = Staff.objects.get(user=gridworker_b)
    before = Agent.objects.filter(staff=post).first()
    answer = manager.post("/services/agents/", {"staff": post.pk, "region": grid_a.pk})
    assert answer.status_code == 400 and "errorlist" in answer.content.decode()
    after = Agent.objects.filter(staff=post).first()
    assert (before and before.region_id) == (after and after.region_id)


# --- Home-service tasks -------------------------------------------------------------------------


def test_a_home_service_task_is_assigned_on_its_page_through_the_kernel(manager, team, ledger_a):
    url = f"/services/home/new/?group=alone60&q={PHONE_A}"
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    form = {"group": "alone60", "resident": ledger_a.resident.pk, "summary": "上门理发",
            "due_day": due, "team": team.pk}  # fmt: skip
    answer = manager.post(url, form)
    task = HomeTask.objects.get(resident=ledger_a.resident)
    assert answer.status_code == 302 and answer["Location"] == task.get_absolute_url()
    assert task.status == "assigned" and task.team == team and task.timeline.count() == 1


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"group": "age80"}, 400),  # 王建国 was born in 1950
        ({"team": ""}, 400),
        ({"due_day": "2000-01-01"}, 400),
        ({"summary": ""}, 400),
        ({"group": "no-such-group"}, 400),
    ],
    ids=["not in the group", "no one to do it", "due in the past", "no service", "no group"],
)
def test_a_home_service_task_with_bad_input_is_refused_and_nothing_is_made(
    manager, team, ledger_a, changes, status
):
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    form = {"group": "alone60", "resident": ledger_a.resident.pk, "summary": "上门理发",
            "due_day": due, "team": team.pk, **changes}  # fmt: skip
    answer = manager.post(f"/services/home/new/?group={form['group']}&q={PHONE_A}", form)
    assert answer.status_code == status
    assert not HomeTask.objects.filter(resident=ledger_a.resident).exists()


def test_the_configuration_pages_show_no_english(
    manager, team, activity, ledger_a, dispatcher_town
):
    from tests.test_translations_pages import english_on

    actions.do_add_volunteer(team, actor=SYSTEM, resident=ledger_a.resident, skills="理发")
    for url in (
        "/services/volunteers/teams/",
        f"/services/volunteers/teams/{team.pk}/?q={PHONE_A}",
        f"/services/volunteers/activities/{activity.pk}/edit/",
        "/services/agents/",
        f"/services/home/new/?group=alone60&q={PHONE_A}",
    ):
        page = manager.get(url).content.decode()
        assert english_on(page, names=(dispatcher_town.username,)) == [], url
