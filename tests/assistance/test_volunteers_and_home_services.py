"""Volunteer teams, activities with sign-up and hours confirmed by the organiser, the yearly
certificate; home-service tasks for special groups and their coverage; the figures."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.assistance import actions
from gridgov.assistance.models import HomeTask, SignUp, VolunteerTeam
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.households.models import SpecialGroup
from gridgov.org.models import Staff
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, client_for
from tests.events.conftest import jpeg
from tests.threads import committed, in_threads, threads_on_a_database_file

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(grid_a, gridworker_a):
    organiser = Staff.objects.get(user=gridworker_a)
    return actions.do_add_team(
        grid_a.village, name="测试红管家", kind="care", actor=SYSTEM, organiser=organiser
    )


def activity_of(team, capacity=2):
    start = timezone.now() - dt.timedelta(days=1)
    return actions.do_add_activity(
        team, actor=SYSTEM, title="探访", place="服务站", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), capacity=capacity,
    )  # fmt: skip


def test_the_demo_has_the_five_red_stewards_of_one_village():
    names = set(VolunteerTeam.objects.values_list("name", flat=True))
    assert {"民情红管家", "治水红管家", "爱心红管家", "平安红管家", "卫生红管家"} <= names
    assert SignUp.objects.filter(confirmed_at__isnull=False).exists()
    assert HomeTask.objects.filter(status="done").exists()


def test_sign_ups_stop_at_the_capacity(team):
    activity = activity_of(team, capacity=1)
    first, second = (actions.do_add_volunteer(team, actor=SYSTEM, name=n) for n in ("甲", "乙"))
    actions.do_sign_up(activity, first, actor=SYSTEM)
    with pytest.raises(Conflict):
        actions.do_sign_up(activity, first, actor=SYSTEM)
    with pytest.raises(Conflict):
        actions.do_sign_up(activity, second, actor=SYSTEM)
    assert activity.signups.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_last_sign_ups_at_once_take_the_last_place_once(
    _demo_snapshot, transactional_db, tmp_path
):
    with threads_on_a_database_file(tmp_path):

        def prepare():
            village = Region.objects.get(code=GRID_A).village
            team = actions.do_add_team(village, name="并发队", kind="other", actor=SYSTEM)
            people = [actions.do_add_volunteer(team, actor=SYSTEM, name=n) for n in ("甲", "乙")]
            return activity_of(team, capacity=1), people

        activity, people = committed(prepare)

        def sign(volunteer):
            def work():
                try:
                    actions.do_sign_up(activity, volunteer, actor=SYSTEM)
                    return "ok"
                except Conflict:
                    return "full"

            return work

        outcomes = in_threads(*(sign(p) for p in people))
        signed = committed(lambda: activity.signups.count())
    assert sorted(outcomes) == ["full", "ok"]
    assert signed == 1


def test_hours_count_once_the_organiser_confirms_them(team, gridworker_a, gridworker_b):
    activity = activity_of(team)
    volunteer = actions.do_add_volunteer(team, actor=SYSTEM, name="甲", skills="理发")
    signup = actions.do_sign_up(activity, volunteer, actor=SYSTEM)
    with pytest.raises(InvalidInput):
        actions.do_record_hours(signup, "30", actor=SYSTEM)
    signup = actions.do_record_hours(signup, "2.5", actor=SYSTEM)
    with pytest.raises(NotPermitted):
        actions.do_confirm_hours(signup, actor=gridworker_b)
    signup = actions.do_confirm_hours(signup, actor=gridworker_a)
    assert signup.confirmed_by == gridworker_a
    assert AuditEntry.objects.filter(action="assistance.hours.confirmed", target_id=signup.pk)
    with pytest.raises(Conflict):
        actions.do_record_hours(signup, "3", actor=SYSTEM)


def test_the_yearly_certificate_lists_the_confirmed_hours(team, gridworker_a):
    activity = activity_of(team)
    volunteer = actions.do_add_volunteer(team, actor=SYSTEM, name="甲")
    signup = actions.do_record_hours(
        actions.do_sign_up(activity, volunteer, actor=SYSTEM), "2", actor=SYSTEM
    )
    actions.do_confirm_hours(signup, actor=gridworker_a)
    year = activity.starts_at.year
    answer = client_for(gridworker_a).get(
        f"/services/volunteers/{volunteer.pk}/certificate/", {"year": year}
    )
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "探访" in values and any(str(v) in ("2", "2.0") for v in values)


def test_a_volunteer_of_another_town_is_not_found(team, dispatcher_other_town):
    volunteer = actions.do_add_volunteer(team, actor=SYSTEM, name="甲")
    client = client_for(dispatcher_other_town)
    assert client.get(f"/services/volunteers/{volunteer.pk}/certificate/").status_code == 404
    activity = activity_of(team)
    signup = client.post(
        f"/api/v1/volunteers/activities/{activity.pk}/signups", {"volunteer": volunteer.pk}
    )
    assert signup.status_code == 404 and activity.signups.count() == 0


def test_a_home_service_is_done_with_a_note_and_a_photo(ledger_a, team, gridworker_a):
    group = SpecialGroup.objects.get(code="age80")  # 王建国 was born in 1950: not a member
    with pytest.raises(InvalidInput):
        actions.do_assign_home_task(
            ledger_a.resident, group, actor=SYSTEM, summary="理发", team=team,
            due_day=timezone.localdate(),
        )  # fmt: skip
    group = SpecialGroup.objects.get(code="alone60")
    task = actions.do_assign_home_task(
        ledger_a.resident, group, actor=gridworker_a, summary="上门理发", team=team,
        due_day=timezone.localdate(),
    )  # fmt: skip
    client = client_for(gridworker_a)
    url = f"/api/v1/homecare/{task.number}/finish"
    assert client.post(url, {"note": "已理发"}).status_code == 400  # no photo
    done = client.post(url, {"note": "已理发", "photos": [jpeg()]})
    assert done.status_code == 200, done.content
    task.refresh_from_db()
    assert task.status == "done" and task.done_at


def test_coverage_counts_members_served_in_the_period(ledger_a, team, gridworker_a, county_leader):
    group = SpecialGroup.objects.get(code="alone60")
    task = actions.do_assign_home_task(
        ledger_a.resident, group, actor=SYSTEM, summary="探访", team=team,
        due_day=timezone.localdate(),
    )  # fmt: skip
    client = client_for(county_leader)
    before = client.get("/api/v1/kpi/assistance", {"region": DEMO_TOWN}).json()
    client_for(gridworker_a).post(
        f"/api/v1/homecare/{task.number}/finish", {"note": "好", "photos": [jpeg()]}
    )
    after = client.get("/api/v1/kpi/assistance", {"region": DEMO_TOWN}).json()

    def served(body):
        return next(g["served"] for g in body["coverage"] if g["code"] == "alone60")

    assert served(after) == served(before) + 1
    assert after["requests"]["total"]["requests"] >= 1
    assert {r["service__mode"] for r in after["requests"]["by_mode"]} <= {
        "at_once", "nearby", "at_home",
    }  # fmt: skip


def test_the_figures_refuse_a_region_outside_and_bad_dates(dispatcher_other_town, county_leader):
    client = client_for(dispatcher_other_town)
    assert client.get("/api/v1/kpi/assistance", {"region": DEMO_TOWN}).status_code in (403, 404)
    bad = client_for(county_leader).get("/api/v1/kpi/assistance", {"from": "2026-13-01"})
    assert bad.status_code == 400
    page = client_for(county_leader).get("/services/figures/", {"region": DEMO_TOWN})
    assert page.status_code == 200 and "爱心红管家" in page.content.decode()


@pytest.mark.parametrize(
    "path", ["/services/", "/services/catalogue/", "/services/volunteers/", "/services/home/",
             "/services/new/"],
)  # fmt: skip
def test_the_phone_pages_answer_in_chinese(path, gridworker_a):
    page = client_for(gridworker_a).get(path)
    assert page.status_code == 200
    assert 'lang="zh' in page.content.decode()
