"""The apps tell core what they bring; core imports none of them."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string

from gridgov.core import registry
from gridgov.core.registry import DemoStep, demo_steps, navigation, periodic_jobs
from gridgov.org.choices import Role
from tests.conftest import DEMO_TOWN, client_for, staff_user

CORE = Path(registry.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_core_imports_no_app_built_on_it():
    upward = {
        f"{path.relative_to(CORE)}: {module}"
        for path in CORE.rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("gridgov.")
        and not module.startswith(("gridgov.core", "gridgov.env", "gridgov.settings"))
    }
    assert upward == set()


def test_every_demo_step_runs_after_the_steps_it_builds_on():
    steps = demo_steps()
    position = {step.name: i for i, step in enumerate(steps)}
    assert {"regions", "org", "holidays", "events", "inspections", "alerts"} <= set(position)
    for step in steps:
        assert all(position[before] < position[step.name] for before in step.after), step.name


def test_a_demo_step_after_a_step_no_app_declares_stops_the_loader(monkeypatch):
    monkeypatch.setattr(
        registry, "_demo", {"orphan": DemoStep("orphan", lambda demo: None, after=("nowhere",))}
    )
    with pytest.raises(ImproperlyConfigured, match="orphan"):
        demo_steps()


def test_the_clock_queues_the_deadline_sweep_and_every_job_names_a_task():
    jobs = dict(periodic_jobs())
    assert jobs["gridgov.workflow.deadlines.check_deadlines"] == 60
    for path, seconds in jobs.items():
        assert seconds > 0 and callable(import_string(path).enqueue), path


def test_every_navigation_entry_names_a_page():
    for entry in navigation():
        assert reverse(entry.url).startswith("/"), entry.url


@pytest.mark.django_db
def test_the_navigation_shows_each_person_the_pages_their_capabilities_open(
    gridworker_a, admin_user
):
    worker_page = client_for(gridworker_a).get("/").content.decode()
    admin_page = client_for(admin_user).get("/").content.decode()
    assert reverse("events:list") in worker_page and reverse("events:list") in admin_page
    assert reverse("regions:import") not in worker_page
    assert reverse("regions:import") in admin_page


@pytest.mark.django_db
def test_the_workbench_shows_every_apps_tiles_in_order():
    dispatcher = staff_user(role=Role.DISPATCHER, region__code=DEMO_TOWN)
    page = client_for(dispatcher).get("/").content.decode()
    marks = ('class="card"', 'id="workload"', 'id="inspection-workload"', f"/{DEMO_TOWN}/")
    order = [page.index(mark) for mark in marks]
    assert order == sorted(order)
