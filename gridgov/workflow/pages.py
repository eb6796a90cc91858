"""The one page view that takes a step of any kind of work item, and the plain detail page of a
kind that has no page of its own.

A kind's page forms (the action panel, `workflow/actions.html`) post to
`<the item's page>act/<action>/`; this view reads the input the table declares for the action,
takes it through the engine exactly as the API does, and shows the item's page again with the
reason when the step is refused.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from gridgov.core.errors import GridGovError, NotFound

from .api import invalid, take_action
from .engine import WORKFLOWS, Workflow
from .models import history_of, urgency_of


def workflow_named(kind: str) -> Workflow:
    flow = WORKFLOWS.get(kind)
    if flow is None or not flow.endpoint:  # kinds without pages (needs, plans) have none here
        raise Http404
    return flow


@login_required
@require_POST
def act(request, number, action, kind):
    flow = workflow_named(kind)
    item = flow.item_for(request.user, number)
    try:
        try:
            item = take_action(flow, request.user, item, action, request.POST, request.FILES)
        except ValidationError as error:
            raise invalid(error) from None
    except GridGovError as error:
        return _page(flow)(request, number, error=error, status=error.status_code)
    messages.success(request, _("Done: %(action)s.") % {"action": flow.transition(action).label})
    try:
        url = flow.item_for(request.user, item.number).get_absolute_url()
    except NotFound:  # the step took it out of the actor's sight (handed up, returned…)
        return redirect(flow.list_url or "home")
    anchor = flow.transition(action).anchor  # a form deep in the page comes back to itself
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _page(flow: Workflow):
    if flow.page is None:
        return lambda request, number, **kw: detail(request, number, kind=flow.name, **kw)
    return import_string(flow.page)


@login_required
def detail(request, number, kind, error=None, status=200):
    """A work item's page from its table alone: state, deadline, timeline, what you can do."""
    flow = workflow_named(kind)
    item = flow.item_for(request.user, number)
    return render(
        request,
        "workflow/item.html",
        {
            "item": item,
            "kind": flow,
            "timeline": history_of(item),
            "available": flow.actions_for(item, request.user),
            "urgency": urgency_of(item),
            "error": error,
        },
        status=status,
    )
