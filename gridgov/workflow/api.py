"""The one REST endpoint, input rules, timeline serializer and OpenAPI description for the steps
of every kind of work item: `POST /api/v1/<kind>/{number}/{action}`.

What an action takes is read from its row of the table (`Transition.input`, `takes_photos`),
what it does from the engine (`Workflow.act`); a kind adds nothing here.
"""

from functools import cache

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.api import body_object
from gridgov.core.errors import MAX_ID, InvalidInput, NotFound
from gridgov.core.idempotency import idempotent
from gridgov.core.parsers import JSONParser

from .engine import WORKFLOWS, Transition, Workflow
from .models import history_of, urgency_of, with_people

REFUSALS = {400: dict, 403: dict, 404: dict, 409: dict}


class ActionInput(serializers.Serializer):
    """What every action may carry."""

    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ID,
        help_text=_("The version you saw; 409 if the item changed since."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Note or reason (required where the step says so)."),
    )


class PhotosInput(serializers.Serializer):
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


@cache
def input_for(t: Transition) -> type[serializers.Serializer]:
    """The serializer of one action's input: the common fields, its own, photos if it takes
    them (other actions ignore photos sent to them, as a form's empty file field)."""
    bases = [c for c in (t.input_class, PhotosInput if t.takes_photos else None) if c]
    return type(f"{t.action.title()}Input", (*bases, ActionInput), {})


@cache
def schema_input_for(flow: Workflow) -> type[serializers.Serializer]:
    """Every action's input of a kind in one body, for its OpenAPI description."""
    bases = list(dict.fromkeys(t.input_class for t in flow.steps() if t.input_class))
    if any(t.takes_photos for t in flow.steps()):
        bases.append(PhotosInput)
    name = "".join(part.title() for part in flow.name.split("_"))
    return type(f"{name}ActionInput", (*bases, ActionInput), {})


def action_payload(data, files, listed=()) -> dict:
    """An action's input from JSON or from a form (the pages post forms): the fields in
    `listed` stay lists in a form too, a form's empty fields count as not given, photos come
    from the uploaded files."""
    data = body_object(data)
    payload = {k: data.get(k) for k in data if k not in listed and data.get(k) not in ("", None)}
    for name in listed:
        if hasattr(data, "getlist"):
            payload[name] = [v for v in data.getlist(name) if v]
        elif data.get(name) not in ("", None):
            payload[name] = data.get(name)
    if files is not None and hasattr(files, "getlist"):
        photos = files.getlist("photos")
        if photos:
            payload["photos"] = photos
    return payload


def _listed(input_class) -> tuple[str, ...]:
    fields = input_class().fields
    return tuple(n for n, f in fields.items() if isinstance(f, serializers.ListField))


def action_input(t: Transition, data, files) -> dict:
    """The validated input of action `t` from a request's body (JSON or form)."""
    input_class = input_for(t)
    body = input_class(data=action_payload(data, files, _listed(input_class)))
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def take_action(flow: Workflow, user, item, action: str, data, files):
    """Take `action` on `item` for `user` with a request's input: the one path of the pages
    and the API. Photos are decoded and checked before the engine opens its transaction."""
    t = flow.step(action)
    values = action_input(t, data, files)
    return flow.act(
        item.pk,
        action,
        actor=user,
        note=values.pop("note", ""),
        photos=values.pop("photos", ()),
        version=values.pop("version", None),
        **values,
    )


def form_problems(error) -> list[dict]:
    """A DRF validation error as the problems list of an InvalidInput, for the pages."""
    detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
    return [
        {"field": field, "message": str(message)}
        for field, problems in detail.items()
        for message in (problems if isinstance(problems, list) else [problems])
    ]


class TimelineSerializer(serializers.Serializer):
    """One step of any work item's history."""

    seq = serializers.IntegerField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    by = serializers.CharField(source="actor_label")
    by_name = serializers.CharField(help_text=_("who took the step: a person's name"))
    by_unit = serializers.CharField(help_text=_("their department, or where they are posted"))
    to = serializers.SerializerMethodField(
        help_text=_("where the step sent the item (hand_down, escalate): the region")
    )
    at = serializers.DateTimeField()
    note = serializers.CharField()
    data = serializers.JSONField()
    photos = serializers.SerializerMethodField()

    def get_to(self, entry) -> str:
        return (entry.data or {}).get("to", "")

    def get_photos(self, entry) -> list[str]:
        return [a.get_absolute_url() for a in entry.photos()]

    def to_representation(self, entry):
        if not hasattr(entry, "by_name"):  # a row read on its own
            with_people([entry])
        return super().to_representation(entry)


def timeline_of(item) -> list[dict]:
    return TimelineSerializer(history_of(item), many=True).data


def actions_of(flow: Workflow, item, request) -> list[str]:
    return [t.action for t in flow.actions_for(item, request.user)]


class WorkItemSerializer(serializers.Serializer):
    """A work item as every kind has it; the detail of a kind that declares no serializer."""

    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    version = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    urgency = serializers.SerializerMethodField()
    late = serializers.BooleanField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_urgency(self, item) -> str:
        return urgency_of(item)

    def get_timeline(self, item) -> list[dict]:
        return timeline_of(item)

    def get_actions(self, item) -> list[str]:
        return actions_of(workflow_of(item), item, self.context["request"])


def workflow_of(item) -> Workflow:
    return next(f for f in WORKFLOWS.values() if isinstance(item, f.model))


def detail_serializer(flow: Workflow) -> type[serializers.Serializer]:
    return import_string(flow.serializer) if flow.serializer else WorkItemSerializer


def detail_answer(flow: Workflow, request, number: str) -> Response | None:
    """The item as the actor now sees it; None when the step took it out of their sight."""
    try:
        item = flow.item_for(request.user, number)
    except NotFound:
        return None
    return Response(detail_serializer(flow)(item, context={"request": request}).data)


class ActionView(APIView):
    """Take one step of a work item's loop."""

    workflow: Workflow = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request, number, action):
        flow = self.workflow

        def step():
            item = flow.item_for(request.user, number)
            item = take_action(flow, request.user, item, action, request.data, request.FILES)
            answer = detail_answer(flow, request, item.number)
            if answer is None:
                return Response(
                    {"number": item.number, "status": item.status, "version": item.version}
                )
            return answer

        # A phone that lost the answer sends the step again with the same key: taken once.
        return idempotent(request, step)


def action_view(flow: Workflow):
    """The API view of a kind's steps, described for OpenAPI from its table."""
    steps = ", ".join(t.action for t in flow.steps())
    body = schema_input_for(flow)

    def post(self, request, number, action):
        return ActionView.post(self, request, number, action)

    described = extend_schema(
        operation_id=f"{flow.name}_act",
        description=str(_("Take one step: %(steps)s.") % {"steps": steps}),
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=[t.action for t in flow.steps()]
            ),
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=_("A key per request: a retried request returns the first response."),
            ),
        ],
        request={"application/json": body, "multipart/form-data": body},
        responses={200: detail_serializer(flow), **REFUSALS},
    )
    name = f"{body.__name__[: -len('Input')]}View"
    return type(name, (ActionView,), {"workflow": flow, "post": described(post)}).as_view()


def invalid(error) -> InvalidInput:
    return InvalidInput(_("The request is not valid."), details=form_problems(error))
