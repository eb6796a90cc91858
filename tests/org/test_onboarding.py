"""Departments, staff, posts and logins managed in GridGov itself, by whoever's area covers
them: a county administrator manages their county and not the neighbour."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from gridgov.accounts.actions import do_issue_token
from gridgov.accounts.models import ApiToken
from gridgov.core.models import AuditEntry
from gridgov.org.actions import StaffData, do_add_post, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.org.roles import post_of
from gridgov.regions.models import Region
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NANHU = "330402"  # 南湖区
XIUZHOU = "330411"  # 秀洲区, the neighbour
NANHU_TOWN = "330402013"
XIUZHOU_TOWN = "330411001"


def county_admin(code: str, username: str):
    county = Region.objects.get(code=code)
    staff = do_create_staff(StaffData(f"{code}管理员", Role.ADMIN, county), actor="test")
    return do_create_account(staff, actor="test", username=username, password=PASSWORD)


@pytest.fixture
def nanhu_admin():
    return county_admin(NANHU, "nanhu-admin")


def first_officer(county_code: str) -> Staff:
    """An officer of the county's departments who has no login yet."""
    return (
        Staff.objects.filter(
            role=Role.OFFICER, region__code=county_code, is_active=True, user__isnull=True
        )
        .select_related("region", "department")
        .order_by("pk")
        .first()
    )


def town_of(county_code: str) -> str:
    return (
        Region.objects.filter(level="town", county__code=county_code)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )


def api(user) -> Client:
    return client_for(user)


def new_person(region_code: str, department_code: str = "", **extra) -> dict:
    return {
        "name": "新同事",
        "role": Role.OFFICER if department_code else Role.SUPERVISOR,
        "region_code": region_code,
        "department_code": department_code,
        "phone": "13912345678",
        "id_number": "33040219900101006X",
        "employee_number": "NH-0001",
        **extra,
    }


# --- The API -----------------------------------------------------------------------------


def test_a_county_admin_adds_a_person_to_their_county(nanhu_admin):
    response = api(nanhu_admin).post(
        "/api/v1/staff", new_person(NANHU, f"{NANHU}-ZJJ"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "139****5678" and body["department_code"] == f"{NANHU}-ZJJ"
    staff = Staff.objects.get(pk=body["id"])
    assert staff.id_number == "33040219900101006X" and staff.employee_number == "NH-0001"
    assert AuditEntry.objects.filter(action="org.staff.create", target_id=str(staff.pk)).exists()


def test_a_county_admin_cannot_add_a_person_to_the_neighbouring_county(nanhu_admin):
    before = Staff.objects.count()
    response = api(nanhu_admin).post(
        "/api/v1/staff",
        new_person(XIUZHOU, f"{XIUZHOU}-ZJJ"),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Staff.objects.count() == before


def test_a_county_admin_cannot_move_someone_of_the_neighbouring_county(nanhu_admin):
    officer = first_officer(XIUZHOU)
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/move",
        {"role": Role.OFFICER, "region_code": NANHU, "department_code": f"{NANHU}-ZJJ"},
        content_type="application/json",
    )
    assert response.status_code == 404
    officer.refresh_from_db()
    assert officer.region.code == XIUZHOU


def test_a_county_admin_cannot_move_their_own_staff_into_the_neighbouring_county(nanhu_admin):
    officer = first_officer(NANHU)
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/move",
        {"role": Role.OFFICER, "region_code": XIUZHOU, "department_code": f"{XIUZHOU}-ZJJ"},
        content_type="application/json",
    )
    assert response.status_code == 404
    officer.refresh_from_db()
    assert officer.region.code == NANHU


def test_a_county_admin_cannot_deactivate_someone_of_the_neighbouring_county(nanhu_admin):
    officer = first_officer(XIUZHOU)
    response = api(nanhu_admin).post(f"/api/v1/staff/{officer.pk}/deactivate")
    assert response.status_code == 404
    officer.refresh_from_db()
    assert officer.is_active


def test_a_county_admin_cannot_create_a_department_in_the_neighbouring_county(nanhu_admin):
    response = api(nanhu_admin).post(
        "/api/v1/departments",
        {"code": "X-NEW", "name": "新单位", "kind": "other", "region_code": XIUZHOU},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Department.objects.filter(code="X-NEW").exists()


def test_a_county_admin_creates_renames_and_closes_a_department(nanhu_admin):
    client = api(nanhu_admin)
    response = client.post(
        "/api/v1/departments",
        {
            "code": f"{NANHU}-DSJ",
            "name": "南湖区大数据局",
            "kind": "other",
            "region_code": NANHU,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(
        f"/api/v1/departments/{pk}", {"name": "南湖区数据资源局"}, content_type="application/json"
    )
    assert response.json()["name"] == "南湖区数据资源局"
    response = client.patch(
        f"/api/v1/departments/{pk}", {"is_active": False}, content_type="application/json"
    )
    assert response.json()["is_active"] is False
    actions = set(
        AuditEntry.objects.filter(target_id=str(pk), target_type="org.department").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "org.department.create",
        "org.department.update",
        "org.department.deactivate",
    }


def test_a_unit_with_active_staff_cannot_be_closed(nanhu_admin):
    unit = Department.objects.get(code=f"{NANHU}-ZJJ")
    response = api(nanhu_admin).patch(
        f"/api/v1/departments/{unit.pk}", {"is_active": False}, content_type="application/json"
    )
    assert response.status_code == 409
    unit.refresh_from_db()
    assert unit.is_active


def test_a_dispatcher_may_not_add_people(dispatcher_town):
    response = api(dispatcher_town).post(
        "/api/v1/staff", new_person(NANHU_TOWN), content_type="application/json"
    )
    assert response.status_code == 403


def test_a_person_moves_to_another_post_and_the_move_is_audited(nanhu_admin):
    officer = first_officer(NANHU)
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/move",
        {"role": Role.OFFICER, "region_code": NANHU, "department_code": f"{NANHU}-ZJJ"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    officer.refresh_from_db()
    assert officer.department.code == f"{NANHU}-ZJJ"
    entry = AuditEntry.objects.get(action="org.staff.move", target_id=str(officer.pk))
    assert entry.changes["to"].endswith(f"/{NANHU}-ZJJ")


def test_a_second_post_shares_the_login_and_the_first_post_still_decides(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="two-posts", password=PASSWORD)
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/posts",
        {"role": Role.SUPERVISOR, "region_code": NANHU_TOWN},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    second = Staff.objects.get(pk=response.json()["id"])
    assert second.user_id == user.pk and second.name == officer.name
    assert second.phone == officer.phone
    fresh = get_user_model().objects.get(pk=user.pk)
    assert post_of(fresh).pk == officer.pk


def test_the_same_post_is_not_given_twice(nanhu_admin):
    officer = first_officer(NANHU)
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/posts",
        {
            "role": officer.role,
            "region_code": officer.region.code,
            "department_code": officer.department.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 409


def test_editing_a_person_corrects_every_post_and_audits_no_personal_value(nanhu_admin):
    officer = first_officer(NANHU)
    response = api(nanhu_admin).patch(
        f"/api/v1/staff/{officer.pk}",
        {"phone": "13800001111", "employee_number": "E-77"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    officer.refresh_from_db()
    assert officer.phone == "13800001111" and officer.employee_number == "E-77"
    entry = AuditEntry.objects.get(action="org.staff.update", target_id=str(officer.pk))
    assert "13800001111" not in str(entry.changes) and set(entry.changes["fields"]) == {
        "phone",
        "employee_number",
    }


def test_a_bad_id_number_is_refused_with_its_field(nanhu_admin):
    response = api(nanhu_admin).post(
        "/api/v1/staff",
        new_person(NANHU, f"{NANHU}-ZJJ", id_number="330402199001010061"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["id_number"]


def test_deactivating_signs_the_person_out_everywhere_and_revokes_their_tokens(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="leaving", password=PASSWORD)
    Client().force_login(user)
    _token, secret = do_issue_token(user, actor=user)
    response = api(nanhu_admin).post(f"/api/v1/staff/{officer.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEntry.objects.filter(
        action="accounts.user.disable", target_id=str(user.pk)
    ).exists()


def test_reactivating_lets_the_person_sign_in_again(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="back-again", password=PASSWORD)
    client = api(nanhu_admin)
    client.post(f"/api/v1/staff/{officer.pk}/deactivate")
    response = client.post(f"/api/v1/staff/{officer.pk}/reactivate")
    assert response.json()["is_active"] is True
    user.refresh_from_db()
    assert user.is_active
    signed_in = Client().post("/accounts/login/", {"username": "back-again", "password": PASSWORD})
    assert signed_in.status_code == 302


def test_deactivating_one_of_two_posts_keeps_the_login(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="keeps-one", password=PASSWORD)
    client = api(nanhu_admin)
    second = client.post(
        f"/api/v1/staff/{officer.pk}/posts",
        {"role": Role.SUPERVISOR, "region_code": NANHU_TOWN},
        content_type="application/json",
    ).json()
    client.post(f"/api/v1/staff/{officer.pk}/deactivate")
    user.refresh_from_db()
    assert user.is_active
    fresh = get_user_model().objects.get(pk=user.pk)
    assert post_of(fresh).pk == second["id"]


def test_a_login_is_given_with_a_one_time_initial_password(nanhu_admin):
    officer = Staff.objects.filter(region__code=NANHU, user__isnull=True, role=Role.OFFICER).first()
    response = api(nanhu_admin).post(
        f"/api/v1/staff/{officer.pk}/login",
        {"username": "new-officer"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    password = response.json()["initial_password"]
    user = get_user_model().objects.get(username="new-officer")
    assert user.must_change_password and user.check_password(password)


# --- The pages ---------------------------------------------------------------------------


def test_a_county_admin_adds_a_person_on_the_page(nanhu_admin):
    response = client_for(nanhu_admin).post(
        "/org/staff/new/",
        {
            "name": "页面新人",
            "role": Role.OFFICER,
            "region": NANHU,
            "department": f"{NANHU}-ZJJ",
            "phone": "",
            "id_number": "",
            "employee_number": "",
        },
    )
    assert response.status_code == 302
    assert Staff.objects.filter(name="页面新人", region__code=NANHU).exists()


def test_the_page_refuses_a_person_for_the_neighbouring_county(nanhu_admin):
    before = Staff.objects.count()
    response = client_for(nanhu_admin).post(
        "/org/staff/new/",
        {"name": "越界", "role": Role.SUPERVISOR, "region": XIUZHOU_TOWN, "department": ""},
    )
    assert response.status_code == 404
    assert Staff.objects.count() == before


def test_the_pages_refuse_to_move_or_deactivate_someone_of_the_neighbouring_county(nanhu_admin):
    officer = first_officer(XIUZHOU)
    client = client_for(nanhu_admin)
    assert client.get(f"/org/staff/{officer.pk}/").status_code == 404
    response = client.post(
        f"/org/staff/{officer.pk}/move/",
        {"move-role": Role.OFFICER, "move-region": NANHU, "move-department": f"{NANHU}-ZJJ"},
    )
    assert response.status_code == 404
    assert client.post(f"/org/staff/{officer.pk}/deactivate/").status_code == 404
    officer.refresh_from_db()
    assert officer.is_active and officer.region.code == XIUZHOU


def test_a_dispatcher_gets_403_on_the_add_page(dispatcher_town):
    assert client_for(dispatcher_town).get("/org/staff/new/").status_code == 403


def test_the_staff_page_offers_the_management_forms_to_an_admin(nanhu_admin):
    officer = first_officer(NANHU)
    response = client_for(nanhu_admin).get(f"/org/staff/{officer.pk}/")
    assert response.status_code == 200
    for action in ("move", "posts", "deactivate", "edit"):
        assert f"/org/staff/{officer.pk}/{action}/" in response.content.decode()


def test_the_login_page_answer_shows_the_initial_password_once(nanhu_admin):
    officer = Staff.objects.filter(region__code=NANHU, user__isnull=True, role=Role.OFFICER).first()
    response = client_for(nanhu_admin).post(
        f"/org/staff/{officer.pk}/login/", {"login-username": "page-login"}
    )
    assert response.status_code == 200
    assert 'id="initial-password"' in response.content.decode()
    again = client_for(nanhu_admin).get(f"/org/staff/{officer.pk}/")
    assert 'id="initial-password"' not in again.content.decode()


def test_the_staff_list_filters_by_department_and_shows_people_who_left(nanhu_admin):
    client = client_for(nanhu_admin)
    response = client.get("/org/staff/", {"department": f"{NANHU}-ZJJ"})
    names = {s.name for s in response.context["page"]}
    expected = set(
        Staff.objects.filter(department__code=f"{NANHU}-ZJJ", is_active=True).values_list(
            "name", flat=True
        )
    )
    assert names == expected and names
    assert list(client.get("/org/staff/", {"inactive": "1"}).context["page"]) == []


def test_the_department_list_filters_by_kind_and_pages(nanhu_admin):
    response = client_for(nanhu_admin).get("/org/departments/", {"kind": "housing"})
    assert response.status_code == 200
    assert {d.kind for d in response.context["page"]} == {"housing"}


def test_the_department_page_renames_a_unit(nanhu_admin):
    unit = Department.objects.get(code=f"{NANHU}-ZJJ")
    response = client_for(nanhu_admin).post(
        f"/org/departments/{unit.pk}/", {"name": "南湖区住建局", "kind": "housing"}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "南湖区住建局"


def test_the_department_page_offers_no_forms_for_a_unit_of_the_neighbouring_county(nanhu_admin):
    unit = Department.objects.get(code=f"{XIUZHOU}-ZJJ")
    client = client_for(nanhu_admin)
    response = client.get(f"/org/departments/{unit.pk}/")
    assert response.status_code == 200 and not response.context["can_manage"]
    assert (
        client.post(f"/org/departments/{unit.pk}/", {"name": "改名", "kind": "housing"}).status_code
        == 404
    )
    unit.refresh_from_db()
    assert unit.name != "改名"


def test_someone_with_two_posts_chooses_the_one_they_act_in(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="two-hats", password=PASSWORD)
    second = (
        api(nanhu_admin)
        .post(
            f"/api/v1/staff/{officer.pk}/posts",
            {"role": Role.SUPERVISOR, "region_code": NANHU_TOWN},
            content_type="application/json",
        )
        .json()
    )
    browser = client_for(user)
    assert browser.get("/api/v1/me").json()["role"] == Role.OFFICER
    page = browser.get("/accounts/tokens/").content.decode()
    assert f'value="{second["id"]}"' in page
    assert browser.post("/org/my-post/", {"post": second["id"]}).status_code == 302
    me = browser.get("/api/v1/me").json()
    assert (me["role"], me["region"]["code"]) == (Role.SUPERVISOR, NANHU_TOWN)


def test_nobody_acts_in_a_post_that_is_not_theirs(nanhu_admin, gridworker_a):
    officer = first_officer(NANHU)
    browser = client_for(gridworker_a)
    assert browser.post("/org/my-post/", {"post": officer.pk}).status_code == 404
    assert browser.get("/api/v1/me").json()["role"] == Role.GRID_WORKER


def test_an_admin_resets_a_forgotten_password_and_the_tokens_go(nanhu_admin):
    officer = first_officer(NANHU)
    user = do_create_account(officer, actor="test", username="forgetful", password=PASSWORD)
    _token, secret = do_issue_token(user, actor=user)
    response = api(nanhu_admin).post(f"/api/v1/staff/{officer.pk}/password-reset")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    user.refresh_from_db()
    assert user.check_password(response.json()["initial_password"]) and user.must_change_password
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_county_admin_cannot_reset_the_password_of_the_neighbouring_county(nanhu_admin):
    officer = first_officer(XIUZHOU)
    user = do_create_account(officer, actor="test", username="neighbour", password=PASSWORD)
    assert (
        client_for(nanhu_admin).post(f"/org/staff/{officer.pk}/password-reset/").status_code == 404
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_dispatcher_may_not_deactivate_move_or_reset_anyone_of_their_town(dispatcher_town):
    clerk = (
        Staff.objects.filter(region__code=NANHU_TOWN, is_active=True)
        .exclude(user=dispatcher_town)
        .order_by("pk")
        .first()
    )
    client = api(dispatcher_town)
    for action in ("deactivate", "password-reset", "invitation"):
        assert client.post(f"/api/v1/staff/{clerk.pk}/{action}").status_code == 403
    response = client.post(
        f"/api/v1/staff/{clerk.pk}/move",
        {"role": clerk.role, "region_code": NANHU_TOWN},
        content_type="application/json",
    )
    assert response.status_code == 403
    clerk.refresh_from_db()
    assert clerk.is_active


def test_a_persons_page_lists_only_the_other_posts_of_the_readers_area(nanhu_admin):
    officer = first_officer(NANHU)
    do_create_account(officer, actor="test", username="two-counties", password=PASSWORD)
    xiuzhou = Region.objects.get(code=town_of(XIUZHOU))
    elsewhere = do_add_post(officer, actor="test", role=Role.SUPERVISOR, region=xiuzhou)
    page = client_for(nanhu_admin).get(f"/org/staff/{officer.pk}/").content.decode()
    assert f"/org/staff/{elsewhere.pk}/" not in page  # 秀洲区's post is 秀洲区's business
    own = client_for(county_admin(XIUZHOU, "xiuzhou-admin")).get(f"/org/staff/{elsewhere.pk}/")
    assert own.status_code == 200 and f"/org/staff/{officer.pk}/" not in own.content.decode()
