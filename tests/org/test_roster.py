"""The roster import: units and staff with their posts from a spreadsheet, checked row by row,
idempotent, with logins invited rather than given a password; the template and the masked
export."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from gridgov.core.choices import JobStatus
from gridgov.core.csvfiles import xlsx_records
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.core.exports import write_csv, write_xlsx
from gridgov.core.models import AuditEntry, Job
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.org.jobs import invitations_name
from gridgov.org.models import Department, Staff
from gridgov.org.roster import COLUMNS, import_roster_file
from gridgov.regions.models import Region
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NANHU = "330402"
GRID = "330402013001001"
ID_A = "33040219900101006X"
ID_B = "330402198501011234"


def id_number(first17: str) -> str:
    from gridgov.core.validators import id_number_check_character

    return first17 + id_number_check_character(first17)


def row(name="", *, unit="", unit_name="", kind="", unit_region="", parent="", enforcement="",
        employee="", id_no="", phone="", role="", posting="", username=""):  # fmt: skip
    return [unit, unit_name, kind, unit_region, parent, enforcement,
            name, employee, id_no, phone, role, posting, username]  # fmt: skip


def good_rows():
    return [
        row("张伟", unit="330402-DSJ", unit_name="南湖区大数据局", kind="其他", unit_region=NANHU,
            enforcement="否", employee="NH1", id_no=id_number("33040219900101001"),
            phone="13912345678", role="部门/执法人员", posting=NANHU, username="zhangwei"),
        row("李娜", employee="NH2", phone="13812345678", role="网格员", posting=GRID),
        row(unit="330402-DSJ-1", unit_name="数据中队", kind="other", unit_region="330402013",
            parent="330402-DSJ", enforcement="是"),
        row("王强", unit="330402-DSJ-1", id_no=id_number("33040219800101002"),
            role="officer", posting="330402013", username="wangqiang"),
    ]  # fmt: skip


def roster_file(rows, fmt="xlsx") -> bytes:
    return (write_xlsx if fmt == "xlsx" else write_csv)(COLUMNS, rows)


@pytest.fixture
def nanhu():
    return Region.objects.get(code=NANHU)


@pytest.fixture
def nanhu_admin(nanhu):
    staff = do_create_staff(StaffData("南湖管理员", Role.ADMIN, nanhu), actor="test")
    return do_create_account(staff, actor="test", username="nanhu-admin", password=PASSWORD)


def load(data, name, area, actor, **options):
    return import_roster_file(data, name, area=area, actor=actor, **options)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_roster_adds_units_staff_and_invited_logins(fmt, nanhu, nanhu_admin):
    summary = load(roster_file(good_rows(), fmt), f"花名册.{fmt}", nanhu, nanhu_admin)
    assert summary["units_created"] == 2 and summary["staff_created"] == 3
    assert summary["logins_created"] == 2 and summary["problems"] == []
    squad = Department.objects.get(code="330402-DSJ-1")
    assert squad.parent.code == "330402-DSJ" and squad.path.startswith(squad.parent.path)
    assert squad.is_enforcement
    wang = Staff.objects.get(department=squad)
    assert wang.user.username == "wangqiang" and not wang.user.has_usable_password()
    li = Staff.objects.get(employee_number="NH2")
    assert li.role == Role.GRID_WORKER and li.phone == "13812345678" and li.user is None


def test_phones_and_id_numbers_are_encrypted_and_found_by_digest(nanhu, nanhu_admin):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    zhang = Staff.objects.get(employee_number="NH1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM org_staff WHERE id = %s", [zhang.pk])
        phone, id_no = cursor.fetchone()
    assert "13912345678" not in phone and id_number("33040219900101001") not in id_no
    from gridgov.core.pii import digest

    assert Staff.objects.get(id_number_digest=digest(id_number("33040219900101001"))) == zhang


def test_importing_the_same_file_again_changes_nothing(nanhu, nanhu_admin):
    data = roster_file(good_rows())
    load(data, "r.xlsx", nanhu, nanhu_admin)
    before = Staff.objects.count(), get_user_model().objects.count()
    summary = load(data, "r.xlsx", nanhu, nanhu_admin)
    assert summary["staff_created"] == 0 and summary["staff_updated"] == 0
    assert summary["unchanged"] == 3 and summary["logins_created"] == 0
    assert (Staff.objects.count(), get_user_model().objects.count()) == before


def test_a_person_is_recognised_by_id_number_and_moved_to_the_post_the_file_gives(
    nanhu, nanhu_admin
):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    rows = good_rows()
    rows[0][11] = "330402013"  # 张伟 now works in 东栅街道
    rows[0][7] = "NH1-NEW"
    summary = load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin)
    assert summary["staff_updated"] == 1 and summary["staff_created"] == 0
    zhang = Staff.objects.get(name="张伟", department__code="330402-DSJ")
    assert zhang.region.code == "330402013" and zhang.employee_number == "NH1-NEW"


def test_problems_are_reported_by_the_sheets_row_and_nothing_is_written(nanhu, nanhu_admin):
    rows = [
        *good_rows(),
        row("坏号", employee="NH9", id_no="330402199001010061", role="网格员", posting=GRID),
        row("无人", employee="NH10", role="厨师", posting="999999"),
    ]
    before = Staff.objects.count()
    with pytest.raises(InvalidInput) as refused:
        load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin)
    where = sorted((p["row"], p["column"]) for p in refused.value.details)
    # The header is row 1, so the fifth data row is row 6 of the sheet.
    assert where == [(6, "身份证号"), (7, "岗位区域代码"), (7, "角色")]
    assert Staff.objects.count() == before
    assert not Department.objects.filter(code="330402-DSJ").exists()


def test_bad_rows_are_skipped_when_asked_and_listed(nanhu, nanhu_admin):
    rows = [*good_rows(), row("坏号", employee="NH9", id_no="330402199001010061", role="网格员",
                              posting=GRID)]  # fmt: skip
    summary = load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin, skip_bad_rows=True)
    assert summary["staff_created"] == 3 and summary["rows_skipped"] == 1
    assert [p["row"] for p in summary["problems"]] == [6]


def test_the_same_person_twice_in_a_file_is_a_problem_of_the_second_row(nanhu, nanhu_admin):
    rows = [*good_rows(), row("李娜", employee="NH2", role="网格员", posting=GRID)]
    with pytest.raises(InvalidInput) as refused:
        load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin)
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(6, "工号")]


def test_a_taken_username_is_a_problem_of_its_row(nanhu, nanhu_admin):
    rows = good_rows()
    rows[0][12] = "admin"
    with pytest.raises(InvalidInput) as refused:
        load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin)
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(2, "用户名")]


def test_a_county_admin_cannot_import_into_the_neighbouring_county(nanhu_admin):
    xiuzhou = Region.objects.get(code="330411")
    with pytest.raises(NotFound):
        load(roster_file(good_rows()), "r.xlsx", xiuzhou, nanhu_admin)


def test_postings_outside_the_chosen_area_are_refused(nanhu, nanhu_admin):
    rows = [row("越界", employee="X1", role="网格员", posting="330411001001001")]
    with pytest.raises(InvalidInput) as refused:
        load(roster_file(rows), "r.xlsx", nanhu, nanhu_admin)
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(2, "岗位区域代码")]


def test_the_upload_page_runs_a_job_and_the_invitations_download_once(nanhu_admin):
    client = client_for(nanhu_admin)
    upload = SimpleUploadedFile("花名册.xlsx", roster_file(good_rows()))
    response = client.post("/org/roster/import/", {"area": NANHU, "file": upload})
    job = Job.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/org/roster/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.summary["staff_created"] == 3
    page = client.get(f"/org/roster/jobs/{job.pk}/").content.decode()
    assert f"/org/roster/jobs/{job.pk}/invitations/" in page
    download = client.get(f"/org/roster/jobs/{job.pk}/invitations/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert sorted(line[1] for line in lines[1:]) == ["wangqiang", "zhangwei"]
    assert client.get(f"/org/roster/jobs/{job.pk}/invitations/").status_code == 404
    link = next(line[3] for line in lines[1:] if line[1] == "zhangwei")
    path = link.removeprefix("http://testserver")
    new = "a-long-new-passphrase"
    assert Client().post(path, {"new_password1": new, "new_password2": new}).status_code == 302
    assert get_user_model().objects.get(username="zhangwei").check_password(new)


def test_the_invitation_file_holds_ids_not_links(nanhu_admin):
    client = client_for(nanhu_admin)
    upload = SimpleUploadedFile("花名册.csv", roster_file(good_rows(), "csv"))
    client.post("/org/roster/import/", {"area": NANHU, "file": upload})
    job = Job.objects.latest("id")
    with default_storage.open(invitations_name(job.pk)) as stored:
        ids = json.load(stored)
    assert all(isinstance(i, int) for i in ids) and len(ids) == 2


def test_a_refused_roster_job_lists_problems_by_sheet_row(nanhu_admin):
    rows = [*good_rows(), row("无人", employee="NH10", role="厨师", posting=GRID)]
    client = client_for(nanhu_admin)
    client.post(
        "/org/roster/import/",
        {"area": NANHU, "file": SimpleUploadedFile("r.xlsx", roster_file(rows))},
    )
    job = Job.objects.latest("id")
    assert job.status == JobStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.problems] == [(6, "角色")]


def test_an_import_leaves_one_audit_row_with_a_per_row_summary(nanhu, nanhu_admin):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    entry = AuditEntry.objects.get(action="org.roster.import")
    assert entry.changes["created_rows"] == [2, 3, 5]
    assert "13912345678" not in json.dumps(entry.changes, ensure_ascii=False)


def test_the_template_downloads_and_imports_as_it_is(nanhu, nanhu_admin):
    response = client_for(nanhu_admin).get("/org/roster/template/?format=xlsx")
    assert response.status_code == 200
    records = list(xlsx_records(response.content))
    assert records[0][1] == COLUMNS
    summary = load(response.content, "模板.xlsx", nanhu, nanhu_admin)
    assert summary["staff_created"] == 2


def test_the_export_masks_phones_and_id_numbers(nanhu, nanhu_admin):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    response = client_for(nanhu_admin).get(
        "/org/roster/export/", {"format": "csv", "department": "330402-DSJ"}
    )
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == COLUMNS
    assert "13912345678" not in text and "139****5678" in text
    assert id_number("33040219900101001") not in text
    assert {line[6] for line in lines[1:]} == {"张伟", "王强"}


def test_the_export_holds_only_the_users_area(nanhu_admin):
    response = client_for(nanhu_admin).get("/org/roster/export/", {"format": "csv"})
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    regions = {line[11][:6] for line in lines[1:]}
    assert regions == {NANHU}


def test_a_lost_invitation_is_issued_again_once_and_the_old_one_still_works_once(
    nanhu, nanhu_admin
):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    zhang = Staff.objects.get(employee_number="NH1")
    response = client_for(nanhu_admin).post(f"/api/v1/staff/{zhang.pk}/invitation")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    path = response.json()["invitation_link"].removeprefix("http://testserver")
    new = "a-long-new-passphrase"
    assert Client().post(path, {"new_password1": new, "new_password2": new}).status_code == 302
    again = client_for(nanhu_admin).post(f"/api/v1/staff/{zhang.pk}/invitation")
    assert again.status_code == 409  # the login has its password now
    assert AuditEntry.objects.filter(action="org.account.invite").count() == 1


def test_the_staff_page_issues_an_invitation_link(nanhu, nanhu_admin):
    load(roster_file(good_rows()), "r.xlsx", nanhu, nanhu_admin)
    zhang = Staff.objects.get(employee_number="NH1")
    response = client_for(nanhu_admin).post(f"/org/staff/{zhang.pk}/invitation/")
    assert response.status_code == 200
    assert 'id="invitation-link"' in response.content.decode()


def test_the_command_imports_a_roster_and_writes_the_invitation_links(tmp_path):
    from django.core.management import call_command

    roster = tmp_path / "花名册.csv"
    roster.write_bytes(roster_file(good_rows(), "csv"))
    links = tmp_path / "links.csv"
    out = io.StringIO()
    call_command(
        "import_roster", str(roster), area=NANHU, invitations=str(links),
        site_url="https://gridgov.example", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "staff_created: 3" in out.getvalue()
    lines = list(csv.reader(io.StringIO(links.read_text(encoding="utf-8-sig"))))
    assert sorted(line[0] for line in lines[1:]) == ["wangqiang", "zhangwei"]
    assert all(
        line[1].startswith("https://gridgov.example/accounts/invitation/") for line in lines[1:]
    )


def test_the_command_refuses_a_roster_with_problems_by_row(tmp_path):
    from django.core.management import CommandError, call_command

    roster = tmp_path / "花名册.xlsx"
    roster.write_bytes(roster_file([row("无人", employee="X", role="厨师", posting=GRID)]))
    with pytest.raises(CommandError, match="row: 2"):
        call_command("import_roster", str(roster), area=NANHU, stdout=io.StringIO())


def test_the_export_command_masks_the_roster(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "花名册.csv"
    call_command("export_roster", str(out), area="330402013", stdout=io.StringIO())
    lines = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert lines[0] == COLUMNS and len(lines) > 10
    assert all("****" in line[9] for line in lines[1:] if line[9])
