"""Warning rules are written by the administrators of their own county (or of the city for a
city's rules), and signal sources, which every county's rules read, by the city's alone: on
the API and on the pages, for every write and every dry run."""

import json

import pytest

from gridgov.alerts.models import Rule, SignalSource
from gridgov.core.models import AuditEntry
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.alerts.conftest import COUNTY, NIGHT_NOISE, make_rule
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

XIUZHOU = "330411"  # 秀洲区, next to 南湖区 (COUNTY)
DEFINITION = {**NIGHT_NOISE, "action": {"type": "event", "category": "0201"}}


def administrator(region_code: str, username: str):
    staff = do_create_staff(
        StaffData(f"{username} 管理员", Role.ADMIN, Region.objects.get(code=region_code)),
        actor="test",
    )
    return do_create_account(staff, actor="test", username=username, password=PASSWORD)


@pytest.fixture
def xiuzhou_admin(db):
    return client_for(administrator(XIUZHOU, "xiuzhou-admin"))


@pytest.fixture
def nanhu_admin(db):
    return client_for(administrator(COUNTY, "nanhu-admin"))


@pytest.fixture
def nanhu_rule(db):
    return make_rule(DEFINITION, name="南湖夜间噪声")


def send(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def rule_body(rule, **changes):
    return {"name": rule.name, "jurisdiction": rule.jurisdiction.code,
            "definition": rule.current.definition, "version": 1, **changes}  # fmt: skip


def test_another_countys_administrator_can_neither_edit_nor_deactivate_nor_dry_run_a_rule(
    xiuzhou_admin, nanhu_rule
):
    url = f"/api/v1/warning-rules/{nanhu_rule.pk}"
    edited = send(xiuzhou_admin, "PUT", url, rule_body(nanhu_rule, name="改了"))
    off = send(xiuzhou_admin, "PUT", url, rule_body(nanhu_rule, is_active=False))
    dry = send(xiuzhou_admin, "POST", f"{url}/dry-run", {})
    assert (edited.status_code, off.status_code, dry.status_code) == (404, 404, 404)
    nanhu_rule.refresh_from_db()
    assert nanhu_rule.name == "南湖夜间噪声" and nanhu_rule.is_active
    assert not AuditEntry.objects.filter(action="alerts.update_rule").exists()


def test_another_countys_administrator_cannot_create_a_rule_there(xiuzhou_admin):
    body = {"name": "越界规则", "jurisdiction": COUNTY, "definition": DEFINITION}
    response = send(xiuzhou_admin, "POST", "/api/v1/warning-rules", body)
    assert response.status_code == 403
    assert not Rule.objects.filter(name="越界规则").exists()


def test_a_rule_cannot_be_moved_into_another_county(xiuzhou_admin):
    own = make_rule(DEFINITION, name="秀洲规则", county_code=XIUZHOU)
    response = send(
        xiuzhou_admin, "PUT", f"/api/v1/warning-rules/{own.pk}", rule_body(own, jurisdiction=COUNTY)
    )
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.jurisdiction.code == XIUZHOU


def test_a_city_rule_is_only_for_the_citys_administrators(nanhu_admin, admin_user):
    body = {"name": "全市规则", "jurisdiction": "3304", "definition": DEFINITION}
    assert send(nanhu_admin, "POST", "/api/v1/warning-rules", body).status_code == 403
    created = send(client_for(admin_user), "POST", "/api/v1/warning-rules", body)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert send(nanhu_admin, "POST", f"/api/v1/warning-rules/{pk}/dry-run", {}).status_code == 404


def test_a_countys_own_administrator_still_edits_and_dry_runs_its_rules(nanhu_admin, nanhu_rule):
    url = f"/api/v1/warning-rules/{nanhu_rule.pk}"
    assert send(nanhu_admin, "PUT", url, rule_body(nanhu_rule, name="改名")).status_code == 200
    assert send(nanhu_admin, "POST", f"{url}/dry-run", {}).status_code == 200


def test_the_rule_pages_refuse_another_countys_administrator(xiuzhou_admin, nanhu_rule):
    edit = f"/alerts/rules/{nanhu_rule.pk}/edit/"
    assert xiuzhou_admin.get(edit).status_code == 404
    posted = xiuzhou_admin.post(edit, {"name": "改了", "jurisdiction": COUNTY})
    assert posted.status_code == 404
    page = xiuzhou_admin.get(f"/alerts/rules/{nanhu_rule.pk}/", {"start": "2026-01-01"})
    assert page.status_code == 200 and page.context["dry"] is None
    assert f"/alerts/rules/{nanhu_rule.pk}/edit/" not in page.content.decode()


def test_signal_sources_are_kept_by_the_citys_administrators_only(
    xiuzhou_admin, nanhu_admin, admin_user
):
    body = {"code": "vibration", "name": "振动监测", "kind": "sensor", "unit": "mm/s"}
    for county_admin in (xiuzhou_admin, nanhu_admin):
        assert send(county_admin, "POST", "/api/v1/signal-sources", body).status_code == 403
        changed = send(county_admin, "PUT", "/api/v1/signal-sources/noise", {**body, "name": "x"})
        assert changed.status_code == 403
        page = county_admin.post("/alerts/sources/new/", body)
        assert page.status_code == 302
    assert not SignalSource.objects.filter(code="vibration").exists()
    assert SignalSource.objects.get(code="noise").name != "x"
    assert send(client_for(admin_user), "POST", "/api/v1/signal-sources", body).status_code == 201


def test_a_rule_cannot_build_on_another_countys_rules(xiuzhou_admin, nanhu_rule):
    repeated = {
        "condition": {"type": "repeated", "at_least": 3, "rules": [nanhu_rule.pk]},
        "window": {"days": 30},
        "action": {"type": "event", "category": "0201"},
    }
    body = {"name": "越界复合规则", "jurisdiction": XIUZHOU, "definition": repeated}
    response = send(xiuzhou_admin, "POST", "/api/v1/warning-rules", body)
    assert response.status_code == 400
    assert "condition.rules" in {e["field"] for e in response.json()["errors"]}
    assert not Rule.objects.filter(name="越界复合规则").exists()
