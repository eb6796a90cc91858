"""Configuring appointments: resources, their week and exceptions, member lists (one member,
a spreadsheet import with its row report), through the pages and the API; every write one
action and one audit row; refusals clear and changing nothing; other areas and people without
the capability refused."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from gridgov.appointments import actions
from gridgov.appointments.choices import WhoMayBook
from gridgov.appointments.models import (
    Booking,
    HoursException,
    ListedMember,
    MemberList,
    Resource,
    WeeklyHours,
)
from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.core.pii import digest
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, PASSWORD, client_for
from tests.threads import committed, in_threads, threads_on_a_database_file

from .conftest import code_in, tomorrow_at

pytestmark = pytest.mark.django_db
MEMBER_PHONE = "13911112222"
STRANGER_PHONE = "13933334444"


@pytest.fixture
def town():
    return Region.objects.get(code=DEMO_TOWN)


@pytest.fixture
def manager(dispatcher_town):
    return client_for(dispatcher_town)


@pytest.fixture
def xiuzhou_admin():
    """An administrator of another county (秀洲区): every capability, another place."""
    staff = do_create_staff(
        StaffData("秀洲区管理员", Role.ADMIN, Region.objects.get(code="330411")), actor="test"
    )
    return do_create_account(staff, actor="test", username="xz-admin-appt", password=PASSWORD)


@pytest.fixture
def school(town):
    members = actions.do_save_member_list(name="测试中学", region=town, actor="test")
    actions.do_add_list_member(members, name="王同学", phone=MEMBER_PHONE, actor="test")
    return members


def audits(event):
    return AuditEntry.objects.filter(action=event).count()


def resource_form(town, **changes):
    form = {"name": "青少年心理咨询室", "kind": "counsellor", "region": town.pk,
            "place": "社工站二楼", "slot_minutes": "45", "days_ahead": "14",
            "who_may_book": "anyone"}  # fmt: skip
    return {**form, **changes}


def week_form(**ranges):
    """opens-<day>-<n> / closes-<day>-<n> fields from {"0-0": ("09:00", "12:00"), …}."""
    form = {"what": "week"}
    for key, (opens, closes) in ranges.items():
        form[f"opens-{key}"], form[f"closes-{key}"] = opens, closes
    return form


# --- Pages render, links shown only to those who configure ------------------------------------


def test_every_configuration_page_renders_for_the_towns_dispatcher(manager, resource, school):
    pages = [
        "/appointments/setup/",
        "/appointments/setup/resources/new/",
        f"/appointments/setup/resources/{resource.pk}/",
        f"/appointments/setup/resources/{resource.pk}/hours/",
        "/appointments/setup/lists/new/",
        f"/appointments/setup/lists/{school.pk}/",
    ]
    for url in pages:
        answer = manager.get(url)
        assert answer.status_code == 200, url
    assert "预约配置" in manager.get("/appointments/setup/").content.decode()
    board = manager.get("/appointments/").content.decode()
    assert 'id="configure-links"' in board and "/appointments/setup/" in board


def test_the_member_list_template_downloads_as_a_spreadsheet_and_as_csv(manager):
    xlsx = manager.get("/appointments/setup/lists/template/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    csv = manager.get("/appointments/setup/lists/template/?format=csv")
    assert csv.status_code == 200 and "姓名,手机号" in csv.content.decode("utf-8-sig")


def test_a_grid_worker_sees_no_configuration_link_and_is_refused_on_a_direct_post(
    gridworker_a, resource, town
):
    client = client_for(gridworker_a)
    assert 'id="configure-links"' not in client.get("/appointments/").content.decode()
    assert client.get("/appointments/setup/").status_code == 403
    before = Resource.objects.count(), AuditEntry.objects.count()
    refused = client.post("/appointments/setup/resources/new/", resource_form(town))
    assert refused.status_code == 403
    moved = client.post(f"/appointments/setup/resources/{resource.pk}/hours/",
                        week_form(**{"0-0": ("06:00", "07:00")}))  # fmt: skip
    assert moved.status_code == 403
    assert (Resource.objects.count(), AuditEntry.objects.count()) == before
    assert WeeklyHours.objects.filter(resource=resource).count() == 7


def test_another_countys_administrator_gets_404_and_changes_nothing(
    xiuzhou_admin, resource, school, town
):
    client = client_for(xiuzhou_admin)
    audited = AuditEntry.objects.count()
    attempts = [
        (f"/appointments/setup/resources/{resource.pk}/", resource_form(town, name="越界")),
        (f"/appointments/setup/resources/{resource.pk}/hours/", week_form()),
        (f"/appointments/setup/resources/{resource.pk}/active/", {"active": "0"}),
        (f"/appointments/setup/lists/{school.pk}/",
         {"what": "add", "name": "越界", "phone": STRANGER_PHONE}),
        ("/appointments/setup/resources/new/", resource_form(town, name="越界")),
        ("/appointments/setup/lists/new/", {"name": "越界", "region": town.pk}),
    ]  # fmt: skip
    for url, body in attempts:
        assert client.post(url, body).status_code == 404, url
    assert client.get(f"/appointments/setup/resources/{resource.pk}/hours/").status_code == 404
    assert AuditEntry.objects.count() == audited
    resource.refresh_from_db()
    assert resource.is_active and resource.name == "测试咨询室"
    assert WeeklyHours.objects.filter(resource=resource).count() == 7
    assert school.entries.count() == 1 and not Resource.objects.filter(name="越界").exists()


# --- Resources --------------------------------------------------------------------------------


def test_a_resource_made_on_its_page_is_saved_with_one_audit_row(manager, town):
    audited = AuditEntry.objects.count()
    answer = manager.post("/appointments/setup/resources/new/", resource_form(town))
    made = Resource.objects.get(region=town, name="青少年心理咨询室")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{made.pk}/hours/")
    assert (made.slot_minutes, made.days_ahead, made.kind, made.place) == (
        45, 14, "counsellor", "社工站二楼"
    )  # fmt: skip
    assert made.town_id == town.pk
    assert AuditEntry.objects.count() == audited + 1
    assert AuditEntry.objects.latest("pk").action == "appointments.resource_created"


def test_a_resource_is_changed_to_take_bookings_from_a_member_list(manager, resource, school, town):
    form = resource_form(town, name="测试咨询室", who_may_book="members", members=school.pk)
    answer = manager.post(f"/appointments/setup/resources/{resource.pk}/", form)
    assert answer.status_code == 302
    resource.refresh_from_db()
    assert resource.who_may_book == WhoMayBook.MEMBERS and resource.members_id == school.pk
    assert AuditEntry.objects.filter(action="appointments.resource_saved").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slot_minutes": "0"}, "slot_minutes"),
        ({"slot_minutes": "abc"}, "slot_minutes"),
        ({"name": ""}, "name"),
        ({"kind": "spaceship"}, "kind"),
        ({"who_may_book": "members"}, "members"),
    ],
)
def test_a_resource_form_with_bad_input_is_refused_by_field_and_nothing_is_saved(
    manager, town, changes, field
):
    before = Resource.objects.count(), AuditEntry.objects.count()
    answer = manager.post("/appointments/setup/resources/new/", resource_form(town, **changes))
    assert answer.status_code == 400
    assert 'class="errorlist"' in answer.content.decode()
    assert (Resource.objects.count(), AuditEntry.objects.count()) == before


def test_a_resource_taken_out_of_booking_leaves_the_public_page(manager, resource, client):
    answer = manager.post(f"/appointments/setup/resources/{resource.pk}/active/", {"active": "0"})
    assert answer.status_code == 302
    resource.refresh_from_db()
    assert not resource.is_active
    assert audits("appointments.resource_deactivated") == 1
    assert client.get(f"/public/appointments/{resource.pk}/").status_code == 404
    assert manager.get("/appointments/setup/").status_code == 200  # still configured there


# --- The week and its exceptions ----------------------------------------------------------------


def test_the_week_is_replaced_in_one_form_with_one_audit_row(manager, resource):
    form = week_form(**{"0-0": ("09:00", "12:00"), "0-1": ("14:00", "17:00"),
                        "5-0": ("10:00", "16:00")})  # fmt: skip
    answer = manager.post(f"/appointments/setup/resources/{resource.pk}/hours/", form)
    assert answer.status_code == 302
    week = list(resource.hours.order_by("weekday", "opens").values_list("weekday", "opens"))
    assert week == [(0, dt.time(9)), (0, dt.time(14)), (5, dt.time(10))]
    assert audits("appointments.hours_set") == 1


def test_overlapping_ranges_are_refused_with_a_clear_message_and_the_week_stays(manager, resource):
    form = week_form(**{"2-0": ("09:00", "12:00"), "2-1": ("11:00", "13:00")})
    answer = manager.post(f"/appointments/setup/resources/{resource.pk}/hours/", form)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "周三" in page and "09:00–12:00" in page and "11:00–13:00" in page and "重叠" in page
    assert resource.hours.count() == 7 and audits("appointments.hours_set") == 0


@pytest.mark.parametrize(
    "ranges",
    [{"1-0": ("12:00", "09:00")}, {"1-0": ("09:00", "")}, {"1-0": ("9点", "10:00")}],
    ids=["end before start", "half a range", "not a time"],
)
def test_a_range_that_is_not_one_is_refused_and_the_week_stays(manager, resource, ranges):
    answer = manager.post(f"/appointments/setup/resources/{resource.pk}/hours/",
                          week_form(**ranges))  # fmt: skip
    assert answer.status_code == 400 and "周二" in answer.content.decode()
    assert resource.hours.count() == 7 and audits("appointments.hours_set") == 0


def test_a_closed_day_is_added_listed_and_removed_each_with_an_audit_row(manager, resource):
    day = tomorrow_at(10).date()
    url = f"/appointments/setup/resources/{resource.pk}/hours/"
    added = manager.post(url, {"what": "exception", "day": day.isoformat(), "closed": "on",
                               "reason": "培训"})  # fmt: skip
    assert added.status_code == 302
    exception = HoursException.objects.get(resource=resource, day=day)
    assert exception.closed and "培训" in manager.get(url).content.decode()
    removed = manager.post(f"{url.replace('hours/', '')}exceptions/{exception.pk}/remove/")
    assert removed.status_code == 302 and not resource.exceptions.exists()
    assert audits("appointments.exception_added") == audits("appointments.exception_removed") == 1


def test_extra_hours_that_end_before_they_begin_are_refused(manager, resource):
    day = tomorrow_at(10).date()
    answer = manager.post(
        f"/appointments/setup/resources/{resource.pk}/hours/",
        {"what": "exception", "day": day.isoformat(), "opens": "20:00", "closes": "19:00"},
    )
    assert answer.status_code == 400 and 'class="errorlist"' in answer.content.decode()
    assert not resource.exceptions.exists() and audits("appointments.exception_added") == 0


# --- Member lists --------------------------------------------------------------------------------


def test_a_member_added_on_the_list_page_is_stored_encrypted_and_shown_masked(manager, school):
    answer = manager.post(f"/appointments/setup/lists/{school.pk}/",
                          {"what": "add", "name": "李同学", "phone": "139 5555 6666"})  # fmt: skip
    assert answer.status_code == 302
    member = school.entries.get(phone_digest=digest("13955556666"))
    assert member.name == "李同学" and member.phone == "13955556666"
    with connection.cursor() as cursor:
        table = ListedMember._meta.db_table
        cursor.execute(f"SELECT phone FROM {table} WHERE id = %s", [member.pk])  # noqa: S608
        raw = cursor.fetchone()[0]
    assert "13955556666" not in raw
    page = manager.get(f"/appointments/setup/lists/{school.pk}/").content.decode()
    assert "13955556666" not in page and "139****6666" in page
    assert audits("appointments.list_member_added") == 2  # the fixture's and this one


@pytest.mark.parametrize("phone", ["1395555", "23955556666", "phone"])
def test_a_malformed_phone_is_refused_and_no_one_is_added(manager, school, phone):
    answer = manager.post(f"/appointments/setup/lists/{school.pk}/",
                          {"what": "add", "name": "李同学", "phone": phone})  # fmt: skip
    assert answer.status_code == 400 and 'class="errorlist"' in answer.content.decode()
    assert school.entries.count() == 1


def test_a_phone_already_listed_is_refused_with_409(manager, school):
    answer = manager.post(f"/appointments/setup/lists/{school.pk}/",
                          {"what": "add", "name": "王同学", "phone": MEMBER_PHONE})  # fmt: skip
    assert answer.status_code == 409 and school.entries.count() == 1


def csv_file(text, name="名单.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return upload


def xlsx_file(rows, name="名单.xlsx"):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = name
    return out


def test_an_import_adds_the_good_rows_reports_the_bad_ones_and_is_idempotent(manager, school):
    text = ("姓名,手机号\n张三,13800001111\n李四,12345\n,13800002222\n王同学,13911112222\n"
            "赵六,13800001111\n钱七,13800003333\n")  # fmt: skip
    url = f"/appointments/setup/lists/{school.pk}/"
    first = manager.post(url, {"what": "import", "file": csv_file(text)})
    page = first.content.decode()
    assert first.status_code == 200 and 'id="import-report"' in page
    assert school.entries.count() == 3  # 王同学 was listed, 张三 and 钱七 are added
    report = first.context["report"]
    assert (report["rows"], report["added"], report["unchanged"], report["refused"]) == (6, 2, 1, 3)
    assert {p["row"] for p in report["problems"]} == {3, 4, 6}
    assert "13800001111" not in page
    again = manager.post(url, {"what": "import", "file": csv_file(text)}).context["report"]
    assert (again["added"], again["unchanged"]) == (0, 3)
    assert school.entries.count() == 3
    assert audits("appointments.list_imported") == 2


def test_a_spreadsheet_imports_like_a_csv(manager, school):
    upload = xlsx_file([["姓名", "手机号"], ["孙八", "13800004444"], ["周九", 13800005555]])
    answer = manager.post(f"/appointments/setup/lists/{school.pk}/",
                          {"what": "import", "file": upload})  # fmt: skip
    assert answer.status_code == 200 and answer.context["report"]["added"] == 2
    assert school.entries.filter(phone_digest=digest("13800005555")).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: csv_file("名字,电话\n张三,13800001111\n"), "姓名,手机号"),
        (lambda: csv_file("姓名,手机号\n张三,13800001111\n", name="名单.txt"), ".xlsx"),
    ],
    ids=["wrong header", "not a spreadsheet"],
)
def test_a_file_that_is_not_a_member_list_is_refused_whole(manager, school, upload, message):
    answer = manager.post(f"/appointments/setup/lists/{school.pk}/",
                          {"what": "import", "file": upload()})  # fmt: skip
    assert answer.status_code == 400 and message in answer.content.decode()
    assert school.entries.count() == 1 and audits("appointments.list_imported") == 0


def test_a_list_member_books_on_the_public_page_and_a_non_member_cannot(
    dispatcher_town, school, resource, texts, client
):
    actions.do_save_resource(
        actions.ResourceData(name=resource.name, kind=resource.kind, slot_minutes=60,
                             who_may_book=WhoMayBook.MEMBERS, members=school),
        actor=dispatcher_town, resource=resource,
    )  # fmt: skip
    url = f"/public/appointments/{resource.pk}/"
    for phone, hour in ((MEMBER_PHONE, 10), (STRANGER_PHONE, 11)):
        form = {"phone": phone, "name": "小雨", "slot_start": tomorrow_at(hour).isoformat(),
                "day": str(tomorrow_at(hour).date())}  # fmt: skip
        assert client.post(url, form).status_code == 200
        answer = client.post(url, {**form, "code": code_in(texts)})
        if phone == MEMBER_PHONE:
            assert answer.status_code == 200 and 'id="my-booking"' in answer.content.decode()
        else:
            assert answer.status_code == 403 and "测试中学" in answer.content.decode()
    booked = Booking.objects.filter(resource=resource).values_list("phone_digest", flat=True)
    assert list(booked) == [digest(MEMBER_PHONE)]


def test_staff_booking_on_someones_behalf_reads_the_same_list(dispatcher_town, school, resource):
    resource.who_may_book, resource.members = WhoMayBook.MEMBERS, school
    resource.save()
    manager = client_for(dispatcher_town)
    url = f"/appointments/resources/{resource.pk}/"
    refused = manager.post(url, {"slot_start": tomorrow_at(9).isoformat(), "name": "路人",
                                 "phone": STRANGER_PHONE})  # fmt: skip
    assert refused.status_code == 403
    booked = manager.post(url, {"slot_start": tomorrow_at(9).isoformat(), "name": "王同学",
                                "phone": MEMBER_PHONE})  # fmt: skip
    assert booked.status_code == 302 and Booking.objects.filter(resource=resource).count() == 1


def test_a_removed_member_can_no_longer_book(dispatcher_town, school, resource):
    resource.who_may_book, resource.members = WhoMayBook.MEMBERS, school
    resource.save()
    member = school.entries.get()
    answer = client_for(dispatcher_town).post(
        f"/appointments/setup/lists/{school.pk}/members/{member.pk}/remove/"
    )
    assert answer.status_code == 302 and not school.entries.exists()
    with pytest.raises(NotPermitted):
        actions.do_book(resource, slot_start=tomorrow_at(9), name="王同学", phone=MEMBER_PHONE,
                        actor=dispatcher_town)  # fmt: skip


# --- The API ------------------------------------------------------------------------------------


def test_the_api_creates_a_resource_sets_its_week_and_refuses_an_overlap(dispatcher_town, town):
    client = client_for(dispatcher_town)
    body = {"region": town.code, "name": "API 服务台", "kind": "desk", "slot_minutes": 30}
    made = client.post("/api/v1/appointments/resources", body, content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    week = {"hours": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}]}
    assert client.put(f"/api/v1/appointments/resources/{pk}/hours", week,
                      content_type="application/json").status_code == 200  # fmt: skip
    overlap = {"hours": [{"weekday": 0, "opens": "09:00", "closes": "12:00"},
                         {"weekday": 0, "opens": "11:30", "closes": "13:00"}]}  # fmt: skip
    refused = client.put(f"/api/v1/appointments/resources/{pk}/hours", overlap,
                         content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "重叠" in refused.content.decode()
    assert WeeklyHours.objects.filter(resource_id=pk).count() == 1


def test_the_api_imports_a_member_list_with_its_report(dispatcher_town, school):
    client = client_for(dispatcher_town)
    upload = csv_file("姓名,手机号\n张三,13800001111\n李四,12345\n")
    answer = client.post(f"/api/v1/appointments/member-lists/{school.pk}/import", {"file": upload})
    assert answer.status_code == 200, answer.content
    assert answer.json()["added"] == 1 and answer.json()["problems"][0]["row"] == 3


def test_the_configuration_endpoints_are_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/?format=json").json()
    for path in ("/api/v1/appointments/resources/{id}/hours",
                 "/api/v1/appointments/member-lists/{id}/import",
                 "/api/v1/appointments/resources/{id}/exceptions/{exception}"):  # fmt: skip
        assert path in schema["paths"], path


def test_importing_the_same_file_again_lists_each_phone_once(school):
    text = "姓名,手机号\n张三,13800001111\n".encode()
    for _ in range(2):
        actions.do_import_list_members(school, text, "a.csv", actor="test")
    assert school.entries.filter(phone_digest=digest("13800001111")).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_list_each_phone_once(
    _demo_snapshot, transactional_db, tmp_path
):
    """The list's row is locked while an import compares digests: the second import waits,
    then finds the phones listed."""
    text = "姓名,手机号\n张三,13800001111\n李四,13800002222\n".encode()
    with threads_on_a_database_file(tmp_path):
        school = committed(
            lambda: actions.do_save_member_list(
                name="并发名单", region=Region.objects.get(code=DEMO_TOWN), actor="test"
            )
        )

        def work():
            return actions.do_import_list_members(school, text, "a.csv", actor="test")["added"]

        added = in_threads(work, work)
        listed = committed(lambda: school.entries.count())
    assert sorted(added) == [0, 2] and listed == 2


def test_a_member_list_is_refused_outside_the_actors_area(dispatcher_other_town, town):
    with pytest.raises(NotPermitted):
        actions.do_save_member_list(name="越界", region=town, actor=dispatcher_other_town)
    assert not MemberList.objects.filter(name="越界").exists()


def test_bookings_open_days_ahead_follow_the_resource(manager, resource, town):
    form = resource_form(town, name="测试咨询室", days_ahead="1")
    assert manager.post(f"/appointments/setup/resources/{resource.pk}/", form).status_code == 302
    far = timezone.localdate() + dt.timedelta(days=3)
    at = dt.datetime.combine(far, dt.time(10), tzinfo=timezone.get_current_timezone())
    with pytest.raises(InvalidInput, match="1"):
        actions.check_slot(Resource.objects.get(pk=resource.pk), at)


def test_the_configuration_pages_show_no_english(manager, resource, school, dispatcher_town):
    from tests.test_translations_pages import english_on

    resource.exceptions.create(day=tomorrow_at(9).date(), closed=True, reason="培训")
    for url in (
        "/appointments/setup/",
        "/appointments/setup/resources/new/",
        f"/appointments/setup/resources/{resource.pk}/",
        f"/appointments/setup/resources/{resource.pk}/hours/",
        "/appointments/setup/lists/new/",
        f"/appointments/setup/lists/{school.pk}/",
    ):
        page = manager.get(url).content.decode()
        assert english_on(page, names=(dispatcher_town.username,)) == [], url


@pytest.mark.parametrize("lists", [1, 12])
def test_member_lists_cost_the_same_queries_however_many_there_are(
    dispatcher_town, town, django_assert_num_queries, lists
):
    for n in range(lists):
        members = actions.do_save_member_list(name=f"名单{n}", region=town, actor="test")
        actions.do_add_list_member(members, name="甲", phone=f"139000{n:05d}", actor="test")
    client = client_for(dispatcher_town)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/appointments/member-lists").status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/appointments/setup/").status_code == 200
    with django_assert_num_queries(6):
        assert (
            client.get(f"/api/v1/appointments/member-lists/{members.pk}/members").status_code == 200
        )
