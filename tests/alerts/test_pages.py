"""The warning pages: list with its map, detail with provenance and actions, the rule form with
its field errors and versions, and the dry run page."""

import pytest
from django.utils import timezone

from gridgov.alerts.models import EarlyWarning, Rule
from tests.alerts.conftest import NIGHT_NOISE, evaluate, make_rule
from tests.alerts.test_warnings import night_of_noise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EVENT = {"type": "event", "category": "0201"}


@pytest.fixture
def warning(scenarios, site):
    make_rule({**NIGHT_NOISE, "action": EVENT}, name="夜间施工噪声")
    night_of_noise(site, days_ago=2)
    evaluate()
    return EarlyWarning.objects.get()


def test_the_list_shows_warnings_in_chinese_with_their_points_for_the_map(warning, dispatcher_town):
    page = client_for(dispatcher_town).get("/alerts/", {"status": "open"})
    html = page.content.decode()
    assert page.status_code == 200 and "预警" in html
    assert warning.number in html and 'id="warning-points"' in html and "alert_map.js" in html


def test_the_detail_shows_provenance_follow_up_and_the_actions(warning, dispatcher_town):
    html = client_for(dispatcher_town).get(f"/alerts/{warning.number}/").content.decode()
    assert "夜间施工噪声" in html and warning.event.number in html
    assert html.count("noise_db") == 11
    assert 'id="act-handle"' in html and 'id="act-dismiss"' in html


def test_a_dispatcher_handles_a_warning_from_its_page(warning, dispatcher_town):
    client = client_for(dispatcher_town)
    response = client.post(
        f"/alerts/{warning.number}/act/handle/", {"version": warning.version, "note": "已处理"}
    )
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "handled"
    refused = client.post(f"/alerts/{warning.number}/act/dismiss/", {"note": ""})
    assert refused.status_code == 400


def test_a_warning_of_another_town_is_not_found(warning, dispatcher_other_town):
    assert client_for(dispatcher_other_town).get(f"/alerts/{warning.number}/").status_code == 404


FORM = {
    "name": "学校周边市场投诉",
    "jurisdiction": "330402",
    "is_active": "on",
    "signals.sources": ["complaints"],
    "signals.kinds": "06*",
    "condition.type": "count",
    "condition.at_least": "2",
    "window.unit": "month",
    "scope.type": "near_targets",
    "scope.target_kinds": ["school"],
    "scope.radius_m": "200",
    "filing": "ignore",
    "action.type": "event",
    "action.category": "0602",
    "action.priority": "normal",
    "action.level": "town",
}


def test_an_administrator_creates_a_rule_with_the_form(admin_user):
    response = client_for(admin_user).post("/alerts/rules/new/", FORM)
    assert response.status_code == 302
    rule = Rule.objects.get(name=FORM["name"])
    assert rule.current.definition == {
        "signals": {"sources": ["complaints"], "kinds": ["06*"]},
        "condition": {"type": "count", "at_least": 2},
        "window": {"calendar": "month"},
        "scope": {"type": "near_targets", "target_kinds": ["school"], "radius_m": 200},
        "filing": "ignore",
        "action": {"type": "event", "category": "0602", "priority": "normal", "level": "town"},
    }


def test_the_form_shows_each_problem_under_its_field_and_keeps_the_input(admin_user):
    bad = {**FORM, "condition.at_least": "zero", "scope.radius_m": "99999"}
    response = client_for(admin_user).post("/alerts/rules/new/", bad)
    html = response.content.decode()
    assert response.status_code == 400 and html.count('class="field-error') == 2
    assert 'value="zero"' in html and not Rule.objects.filter(name=FORM["name"]).exists()


def test_editing_with_the_form_makes_a_version_shown_in_the_history(admin_user):
    client = client_for(admin_user)
    client.post("/alerts/rules/new/", FORM)
    rule = Rule.objects.get(name=FORM["name"])
    form = client.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert 'value="06*"' in form
    client.post(
        f"/alerts/rules/{rule.pk}/edit/", {**FORM, "condition.at_least": "3", "note": "三次"}
    )
    page = client.get(f"/alerts/rules/{rule.pk}/").content.decode()
    rule.refresh_from_db()
    assert rule.current.number == 2 and "三次" in page and page.count("<pre>") == 2


def test_staff_without_the_capability_cannot_open_the_rule_form(dispatcher_town):
    assert client_for(dispatcher_town).get("/alerts/rules/new/").status_code == 403


def test_the_dry_run_page_lists_what_would_have_been_raised(warning, admin_user):
    today = timezone.localdate().isoformat()
    page = client_for(admin_user).get(
        f"/alerts/rules/{warning.rule_id}/", {"start": "", "end": today}
    )
    html = page.content.decode()
    assert page.status_code == 200 and 'id="dry-summary"' in html
    assert warning.target.name in html
    assert EarlyWarning.objects.count() == 1


@pytest.mark.parametrize("url", ["/alerts/", "/alerts/rules/"])
def test_the_lists_cost_a_fixed_number_of_queries(
    warning, county_leader, django_assert_num_queries, url
):
    client = client_for(county_leader)
    client.get(url)  # the first request of a session loads the routing catalogue
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_an_administrator_adds_a_signal_source_from_the_rules_page(admin_user):
    from gridgov.alerts.models import SignalSource

    client = client_for(admin_user)
    assert 'id="new-source"' in client.get("/alerts/rules/").content.decode()
    client.post("/alerts/sources/new/", {"code": "odour", "name": "异味投诉", "kind": "complaint",
                                         "event_categories": "0202, 0205"})  # fmt: skip
    assert SignalSource.objects.get(code="odour").event_categories == ["0202", "0205"]
    client.post("/alerts/sources/new/", {"code": "x", "name": "", "kind": "sensor"})
    assert not SignalSource.objects.filter(code="x").exists()
