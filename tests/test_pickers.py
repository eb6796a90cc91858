"""Choosing by name, not by code: categories in two levels with a search box, departments by
name (pickers.js adds the box to every <select data-search>)."""

import re

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_report_form_offers_categories_in_two_levels_to_search(dispatcher_town):
    page = client_for(dispatcher_town).get("/events/new/").content.decode()
    assert 'data-search="搜索类别"' in page
    assert re.search(r'<optgroup label="城市管理">\s*<option value="0101">占道经营</option>', page)
    assert "pickers.js" in page


def test_the_public_form_groups_its_services_by_class():
    page = Client().get("/public/new/").content.decode()
    assert re.search(r'<optgroup label="生态环境">\s*<option value="0201"', page)


def test_the_filing_form_names_departments_instead_of_asking_for_a_code(dispatcher_town):
    page = client_for(dispatcher_town).get("/filings/new/").content.decode()
    assert '<select id="department" name="department" data-search="搜索部门">' in page
    assert "住房和城乡建设局</option>" in page


@pytest.mark.parametrize("url", ["/events/kpi/", "/inspections/kpi/", "/filings/kpi/"])
def test_statistics_take_the_region_from_a_tree_of_names(county_leader, url):
    page = client_for(county_leader).get(url, {"region": "330402013"}).content.decode()
    assert 'name="region" aria-label="区域" data-search="搜索区域"' in page
    assert '<option value="330402">南湖区</option>' in page
    assert '<option value="330402013" selected>\u3000东栅街道</option>' in page
    assert '<option value="330411">' not in page  # another county: not in the leader's scope


def test_event_statistics_take_the_unit_from_a_tree_of_names(county_leader):
    page = client_for(county_leader).get("/events/kpi/").content.decode()
    assert 'name="unit" aria-label="单位" data-search="搜索单位"' in page
    assert re.search(r'<option value="330402-ZJJ">\u3000*南湖区住房和城乡建设局</option>', page)
