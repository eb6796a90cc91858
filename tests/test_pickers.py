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
