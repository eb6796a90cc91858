"""Every status change of every model goes through the closed-loop engine.

Read in the source: no code outside `gridgov/workflow/` (and the migrations) assigns a status,
passes one to a write (create, update…) or builds a row of a model with a status. Watched at
run time: no row of such a model is saved with a status except while the engine writes a step.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models.signals import pre_save

from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from gridgov.workflow.engine import STEPPING, WORKFLOWS
from tests.conftest import DEMO_TOWN
from tests.events.conftest import jpeg, report

SOURCE = Path(__file__).resolve().parent.parent / "gridgov"
WRITES = {"update", "create", "bulk_create", "bulk_update", "update_or_create", "get_or_create"}
# Records whose status is not the state of a work item: a power item's dated version (each
# version a new row of the catalogue, never changed), the job runner's progress, a month's
# evaluation (a computed table, draft until published, with no steps, people or deadlines), and
# the progress of a webhook's delivery and of a report's making (written by the worker).
NOT_WORK_ITEMS = {
    "powers.PowerItemVersion",
    "core.Job",
    "evaluation.Evaluation",
    "webhooks.Message",
    "reports.Report",
}
NOT_WORK_ITEM_FILES = {
    "gridgov/powers/actions.py",
    "gridgov/core/jobs.py",
    "gridgov/evaluation/actions.py",
    "gridgov/webhooks/delivery.py",
    "gridgov/webhooks/actions.py",
    "gridgov/reports/making.py",
}


def models_with_a_status():
    """The project's models with a status (a library's task queue keeps its own)."""
    return [
        m
        for m in apps.get_models()
        if m._meta.app_config.name.startswith(("gridgov.", "tests."))
        and any(f.name == "status" for f in m._meta.fields)
    ]


def test_every_model_with_a_status_is_a_kind_of_work_item_or_says_why_not():
    kinds = {flow.model for flow in WORKFLOWS.values()}
    for model in models_with_a_status():
        assert model in kinds or model._meta.label in NOT_WORK_ITEMS, model._meta.label


def status_writes(path: Path) -> list[tuple[int, str]]:
    names = {m.__name__ for m in models_with_a_status()}
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if isinstance(t, ast.Attribute) and t.attr == "status" and _on_a_row(t):
                        found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            keywords = {k.arg for k in node.keywords}
            if (
                (
                    name == "setattr"
                    and len(node.args) > 1
                    and ast.unparse(node.args[1]) == "'status'"
                )
                or ("status" in keywords and (name in WRITES or name in names))
                or ("defaults" in keywords and name in WRITES and "'status'" in ast.unparse(node))
            ):
                found.append((node.lineno, ast.unparse(node)))
    return found


def _on_a_row(target: ast.Attribute) -> bool:
    # `self.status = …` in an exception's constructor is an HTTP status, not a row's.
    return not (isinstance(target.value, ast.Name) and target.value.id == "self")


def test_no_code_outside_the_engine_writes_a_status():
    offending = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE.parent).as_posix()
        if "/migrations/" in relative or relative.startswith("gridgov/workflow/"):
            continue
        if relative in NOT_WORK_ITEM_FILES:
            continue
        if writes := status_writes(path):
            offending[relative] = writes
    assert offending == {}


def test_the_scan_finds_the_writes_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "plan.status = 'confirmed'\n"
        "Event.objects.filter(pk=1).update(status='closed')\n"
        "InspectionNeed(status='planned')\n"
        "setattr(event, 'status', 'closed')\n"
        "Event.objects.filter(status='closed').count()\n"
    )
    assert [line for line, _code in status_writes(sample)] == [1, 2, 3, 4]


@pytest.fixture
def status_guard():
    """Every save of a row with a status outside the engine's step, as (model, status)."""
    watched = set(models_with_a_status()) - {apps.get_model(label) for label in NOT_WORK_ITEMS}
    outside = []

    def check(sender, instance, update_fields=None, **kwargs):
        if sender not in watched or STEPPING.get():
            return
        if update_fields is not None and "status" not in update_fields:
            return
        if instance._state.adding:
            outside.append((sender._meta.label, instance.status))
            return
        stored = sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if stored != instance.status:
            outside.append((sender._meta.label, instance.status))

    pre_save.connect(check, weak=False)
    yield outside
    pre_save.disconnect(check)


@pytest.mark.django_db
def test_a_whole_loop_saves_statuses_only_through_the_engine(
    status_guard, gridworker_a, dispatcher_town, officer_squad, client
):
    from gridgov.events.actions import do_dispatch_event

    event = report(gridworker_a)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    squad = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    do_dispatch_event(event.pk, actor=dispatcher_town, lead=squad)
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer_squad)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer_squad, note="好了", photos=[jpeg()])
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher_town)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher_town)
    event.refresh_from_db()
    assert event.status == "closed"
    assert status_guard == []


@pytest.mark.django_db
def test_the_guard_sees_a_status_saved_behind_the_engines_back(status_guard, gridworker_a):
    event = report(gridworker_a)
    assert status_guard == []
    event.status = "closed"
    event.save()
    assert status_guard == [("events.Event", "closed")]
