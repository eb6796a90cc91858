"""Who sees what, the public suggestion page, the figures, the pages and the schema."""

import pytest
from django.core.cache import cache

from gridgov.regions.models import Region
from gridgov.supervision import actions
from gridgov.supervision.choices import FindingKind, FindingStatus
from gridgov.supervision.models import (
    Finding,
    Project,
    ProjectCheck,
    Suggestion,
    SupervisionGroup,
    SupervisionPost,
)
from tests.conftest import DEMO_TOWN, OTHER_TOWN, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_town_finding(supervisor_other_town):
    from gridgov.org.models import Department

    town = Region.objects.get(code=OTHER_TOWN)
    group = actions.do_create_group(
        name="长水监督组",
        region=town,
        actor=supervisor_other_town,
        office=Department.objects.get(code=f"{OTHER_TOWN}-JGW"),
    )
    return actions.do_record_finding(
        actions.FindingData(group=group, kind=FindingKind.DUTY, summary="长水的问题"),
        actor=supervisor_other_town,
    )


def test_a_supervisor_of_another_town_sees_none_of_its_findings_or_projects(
    supervisor_other_town, project, group
):
    finding = Finding.objects.filter(town__code=DEMO_TOWN).first()
    client = client_for(supervisor_other_town)
    assert client.get(f"/api/v1/findings/{finding.number}").status_code == 404
    assert client.get(f"/work/findings/{finding.number}/").status_code == 404
    assert (
        client.post(f"/api/v1/findings/{finding.number}/dismiss", {"note": "x"}).status_code == 404
    )
    assert client.get(f"/api/v1/supervision/projects/{project.code}").status_code == 404
    assert client.get(f"/supervision/projects/{project.code}/").status_code == 404
    before = ProjectCheck.objects.count()
    check = {"checked_on": "2026-01-05", "subject": "越权督查"}
    assert (
        client.post(f"/api/v1/supervision/projects/{project.code}/checks", check).status_code == 404
    )
    assert ProjectCheck.objects.count() == before
    numbers = {f["number"] for f in client.get("/api/v1/findings").json()["results"]}
    assert finding.number not in numbers
    assert client.get("/api/v1/supervision/projects").json()["count"] == 0


def test_the_demo_towns_supervisor_does_not_see_the_other_towns_finding(
    supervisor, other_town_finding
):
    client = client_for(supervisor)
    assert client.get(f"/api/v1/findings/{other_town_finding.number}").status_code == 404
    answer = client.post(f"/api/v1/findings/{other_town_finding.number}/dismiss", {"note": "x"})
    assert answer.status_code == 404
    other_town_finding.refresh_from_db()
    assert other_town_finding.status == FindingStatus.FOUND


def test_anyone_leaves_a_suggestion_at_a_post_and_is_counted(client, settings):
    cache.clear()
    settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT = {"limit": 2, "seconds": 3600}
    post = SupervisionPost.objects.filter(town__code=DEMO_TOWN).order_by("pk").first()
    page = client.get(f"/public/supervision/{post.pk}/")
    assert page.status_code == 200 and post.name in page.content.decode()
    before = Suggestion.objects.count()
    sent = client.post(
        f"/public/supervision/{post.pk}/", {"text": "建议增加夜间值守", "phone": "13800000000"}
    )
    assert sent.status_code == 302 and Suggestion.objects.count() == before + 1
    bad = client.post(f"/public/supervision/{post.pk}/", {"text": ""})
    assert bad.status_code == 400
    limited = client.post(f"/public/supervision/{post.pk}/", {"text": "再来一条"})
    assert limited.status_code == 429 and Suggestion.objects.count() == before + 1


def test_the_public_api_takes_a_suggestion_without_an_account(client):
    post = SupervisionPost.objects.filter(town__code=DEMO_TOWN).order_by("pk").first()
    answer = client.post(
        "/api/v1/public/suggestions",
        {"post": post.pk, "text": "建议公开资金"},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json() == {"received": True, "post": post.name}


def test_the_figures_count_findings_by_kind_unit_group_and_area(supervisor, county_leader):
    answer = client_for(county_leader).get(
        "/api/v1/kpi/supervision", {"region": DEMO_TOWN, "from": "2000-01-01"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    stored = Finding.objects.filter(town__code=DEMO_TOWN).exclude(status="dismissed").count()
    assert body["totals"]["found"] == stored
    assert sum(row["found"] for row in body["by_kind"]) == stored
    assert sum(row["found"] for row in body["by_group"]) == stored
    assert {row["name"] for row in body["by_group"]} <= set(
        SupervisionGroup.objects.values_list("name", flat=True)
    )
    assert body["by_unit"] and body["by_area"]


def test_a_unit_found_again_for_the_same_kind_counts_as_a_recurrence(
    group, supervisor, county_leader
):
    from gridgov.org.models import Department

    unit = Department.objects.get(code=f"{DEMO_TOWN}-PCS")
    for _n in range(3):
        actions.do_record_finding(
            actions.FindingData(
                group=group, kind=FindingKind.OTHER, summary="同类问题", department=unit
            ),
            actor=supervisor,
        )
    body = client_for(county_leader).get("/api/v1/kpi/supervision", {"region": DEMO_TOWN}).json()
    (row,) = [r for r in body["by_unit"] if r["name"] == unit.name]
    assert row["recurrences"] >= 2


def test_the_months_list_of_units_downloads_as_a_workbook(county_leader):
    client = client_for(county_leader)
    answer = client.get("/supervision/kpi/units.xlsx", {"region": DEMO_TOWN})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    units = client.get("/api/v1/kpi/supervision/units", {"region": DEMO_TOWN}).json()["units"]
    assert units == sorted(units, key=lambda u: (-u["open"], -u["overdue"], u["name"]))
    assert client.get("/api/v1/kpi/supervision/units", {"month": "2026-13"}).status_code == 400


def test_the_pages_answer_in_chinese(supervisor, project):
    client = client_for(supervisor)
    for url in (
        "/supervision/",
        "/supervision/new/",
        "/supervision/posts/",
        "/supervision/suggestions/",
        "/supervision/projects/",
        project.get_absolute_url(),
        "/supervision/projects/ledger/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "监督" in page.content.decode(), url


def test_the_project_page_shows_its_plan_checks_and_ledger(supervisor, project):
    page = client_for(supervisor).get(project.get_absolute_url()).content.decode()
    assert project.plan_title in page and 'id="checks"' in page and 'id="disbursements"' in page


def test_a_check_is_recorded_in_the_projects_history(supervisor, project):
    before = project.checks.count()
    answer = client_for(supervisor).post(
        f"/supervision/projects/{project.code}/checks/",
        {"checked_on": "2026-01-05", "subject": "专项督查", "problems": "1"},
    )
    assert answer.status_code == 302 and project.checks.count() == before + 1


def test_the_findings_list_takes_a_fixed_number_of_queries(supervisor, django_assert_num_queries):
    client = client_for(supervisor)
    client.get("/supervision/")
    with django_assert_num_queries(6):
        client.get("/supervision/")


def test_the_endpoints_are_in_the_openapi_schema(admin_user):
    paths = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/v1/findings",
        "/api/v1/findings/{number}",
        "/api/v1/supervision/projects",
        "/api/v1/supervision/projects/{code}/checks",
        "/api/v1/public/suggestions",
        "/api/v1/kpi/supervision",
        "/api/v1/supervision/projects/ledger",
    ):
        assert path in paths, path
    operation = paths["/api/v1/findings/{number}/{action}"]["post"]
    (action,) = [p for p in operation["parameters"] if p["name"] == "action"]
    assert {"assign", "rectify", "improve", "verify", "close", "return"} <= set(
        action["schema"]["enum"]
    )


def test_the_demo_tells_the_seeds_story_from_its_rows():
    town = Region.objects.get(code=DEMO_TOWN)
    groups = SupervisionGroup.objects.filter(region=town, kind="group")
    assert groups.count() == 2 and all(g.members.count() == 8 for g in groups)
    assert SupervisionGroup.objects.filter(kind="squad", region__town=town).count() == 28
    posts = SupervisionPost.objects.filter(town=town)
    assert posts.filter(name__startswith="高速").count() == 4
    assert posts.filter(name__startswith="核酸检测点").exists()
    assert Suggestion.objects.filter(town=town).count() == 45
    projects = Project.objects.filter(town=town)
    assert projects.count() == 6
    assert ProjectCheck.objects.filter(project__in=projects).count() >= 30
    states = set(Finding.objects.filter(town=town).values_list("status", flat=True))
    assert states == set(FindingStatus.values)
