"""The closed-loop engine: one way for any work item to change state.

A kind of work item (an event, an inspection task, a rectification order…) declares a
`Workflow`: its states, a table of `Transition`s (from which states an action may be taken, by
which roles, under which guard, to which state, starting which deadline step) and a few hooks.
`perform` is the only function that changes an item's status: it locks the row, checks the
table, the actor's role, guard and scope, applies the action's own changes, stamps the deadline,
saves with update_fields, appends an immutable timeline row, writes the audit row and notifies
after commit. Nothing else sets a status.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.core.validators import MAX_TEXT
from gridgov.org.roles import post_of
from gridgov.org.scoping import can_see

# Actors who are not staff members. The worker acts as SYSTEM; a signed-in member of the public
# (issue reporters from the web or Open311) acts as CITIZEN.
SYSTEM = "system"
CITIZEN = "citizen"
# Every kind of work item's workflow, by name (for the worker's tasks).
WORKFLOWS: dict[str, "Workflow"] = {}


class PublicActor(str):
    """A member of the public acting through a channel without an account (an Open311 client,
    the public pages): the CITIZEN role, under a label such as "open311:<client>" for the
    timeline and audit.

    `holds` is the primary key of the one item this person proved they filed (with its
    tracking code), so reporter-only steps (rate, reopen) are open to them on that item only."""

    holds = None

    @classmethod
    def holding(cls, label: str, pk) -> "PublicActor":
        actor = cls(label)
        actor.holds = pk
        return actor


# Set while the engine writes a step: a status saved at any other time bypassed it (the tests
# watch every save of a model with a status).
STEPPING: ContextVar[bool] = ContextVar("stepping", default=False)


@contextmanager
def stepping():
    token = STEPPING.set(True)
    try:
        yield
    finally:
        STEPPING.reset(token)


# What every step saves besides the action's own fields.
ENGINE_FIELDS = frozenset({"status", "version", "step", "warn_at", "due_at", "late", "updated_at"})


def prepared(photos) -> list:
    """Photos decoded and checked, before any transaction opens (uploads are prepared here;
    photos prepared already pass through)."""
    from .attachments import PreparedPhoto, prepare_photos

    photos = list(photos or ())
    if all(isinstance(p, PreparedPhoto) for p in photos):
        return photos
    return prepare_photos(photos)


def _save_photos(photos, *, uploaded_by):
    from .attachments import save_photos

    return save_photos(photos, uploaded_by=uploaded_by)


# Transition.step value: start the clock of the running step again (a 督办 urging a late unit).
RESTART = "*"


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table.

    sources: states the action may be taken from; empty for the actions that create an item.
    target: the state after it; None keeps the state (a rating, say).
    roles: who may take it (staff roles, SYSTEM, CITIZEN).
    guard: the name of a workflow guard — the actor's relation to this item (the unit it is
        assigned to, the command centre that holds it…); None when the role is enough.
    step: the deadline step it starts (None keeps the running deadline); terminal states end it.

    What the glue (the one action view, API endpoint, panel and OpenAPI description) reads:
    input: the serializer class (or its dotted path) of what the action takes beyond the
        version, note and photos every action may carry — a unit, people, a number…
    stamps: the timestamp field the step sets to its time (accepted_at…).
    changes: (item, now) → names of the fields it set: the step's own pure field changes
        (a counter, fields cleared), no queries; the engine and the demo's history apply them.
    photos: the step takes photos (always so when they are required).
    spawns: the kinds of work item the step may start (a failed check starts a rectification
        order or a case; a warning an inspection or an event).
    An action with real logic (routing, planning, checklist results) registers its function
    with `Workflow.runs`; every other action is the table's row and nothing else.
    """

    action: str
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    label: str
    guard: str | None = None
    step: str | None = None
    note_required: bool = False
    photos_required: bool = False
    input: object = None
    stamps: str | None = None
    changes: Callable | None = None
    photos: bool = False
    spawns: tuple[str, ...] = ()
    anchor: str = ""  # the part of the item's page its form lives in, to come back to

    @property
    def takes_photos(self) -> bool:
        return self.photos or self.photos_required

    @property
    def input_class(self):
        return import_string(self.input) if isinstance(self.input, str) else self.input

    def apply(self, item, now) -> set[str]:
        """The step's own field changes (its timestamp and `changes`), in memory."""
        changed = set()
        if self.stamps:
            setattr(item, self.stamps, now)
            changed.add(self.stamps)
        if self.changes is not None:
            changed |= set(self.changes(item, now))
        return changed


@dataclass(frozen=True)
class Deadline:
    step: str
    warn_at: object  # datetime: yellow from here
    due_at: object  # datetime: red (overdue) from here


@dataclass(eq=False)  # one object per kind: hashable, compared by identity
class Workflow:
    """A kind of work item and its transition table.

    model: the item model, a `gridgov.workflow.models.WorkItem` (status, version, step,
        warn_at, due_at, late, updated_at) with a `number` and a `scope_rule`.
    timeline_model: its TimelineEntry subclass, with an `item` foreign key.
    terminal: the states that end the loop (no deadline runs there); every other state is
        open (`open_states`). Lists, sweeps and figures read them from here, never re-list them.
    guards: name → predicate(item, actor, post) for Transition.guard.
    deadline: (item, step, start) → Deadline | None; how long a step may take.
    recipients: (item, transition) → ids of the users to notify after the step commits.
    lock_related: relations the guards read, loaded with the locked row.

    What the one action view, API endpoint and OpenAPI description need (dotted paths, read
    when first used, so the table's module imports no view):
    lookup: (user, number) → the item as that user may see it, or NotFound; default: the
        model's `number` within the user's scope.
    serializer: the API's detail serializer, the answer to an action.
    page: the detail page view (request, number, error=, status=), shown again on a refusal.
    list_url: the URL name to go to when a step takes the item out of the actor's sight.
    """

    name: str
    model: type
    timeline_model: type
    states: type  # TextChoices
    terminal: frozenset[str]
    transitions: tuple[Transition, ...]
    guards: dict[str, Callable] = field(default_factory=dict)
    deadline: Callable | None = None
    recipients: Callable | None = None
    notification_text: Callable | None = None
    notify_on: frozenset[str] = frozenset()  # the actions whose step people are told of
    lock_related: tuple[str, ...] = ()
    lookup: str | Callable | None = None
    serializer: str | None = None
    page: str | None = None
    list_url: str | None = None
    # False for a kind whose steps are taken only inside other actions (a plan's needs are
    # planned when the plan is confirmed): no endpoint or page of its own.
    endpoint: bool = True

    def __post_init__(self):
        WORKFLOWS[self.name] = self
        self._by_action = {t.action: t for t in self.transitions}
        self._runners: dict[str, Callable] = {}
        known = set(self.states.values)
        for t in self.transitions:
            # A typo in the table must stop the program at start-up, not at the first click.
            if not set(t.sources) <= known or (t.target is not None and t.target not in known):
                raise ImproperlyConfigured(f"{self.name}.{t.action}: unknown state")
            if t.guard is not None and t.guard not in self.guards:
                raise ImproperlyConfigured(f"{self.name}.{t.action}: unknown guard {t.guard}")

    # --- The table, as pure functions -----------------------------------------------------

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise InvalidInput(_("Unknown action: %(action)s.") % {"action": action}) from None

    def next_state(self, state: str | None, action: str) -> str:
        """The state after `action` from `state`, or Conflict when the table does not allow it."""
        t = self.transition(action)
        if (state or "") not in (t.sources or ("",)):
            raise Conflict(
                _("This item is %(state)s; “%(action)s” cannot be done now.")
                % {"state": self.state_label(state), "action": t.label}
            )
        return t.target if t.target is not None else state

    def replay(self, actions: Iterable[str]) -> str | None:
        """The state a history of actions leads to, checking every step against the table."""
        state = None
        for action in actions:
            state = self.next_state(state, action)
        return state

    def state_label(self, state: str | None) -> str:
        return str(self.states(state).label) if state else _("not yet reported")

    @cached_property
    def open_states(self) -> frozenset[str]:
        return frozenset(self.states.values) - self.terminal

    def steps(self) -> list[Transition]:
        """The actions people take on an existing item: its endpoint's and its page's. Not
        the creating ones, nor those only the worker or an anonymous party takes (a rating
        through an inspection's QR code has its own public page)."""
        return [t for t in self.transitions if t.sources and t.roles - {SYSTEM, CITIZEN}]

    def step(self, action: str) -> Transition:
        """The transition of an action people take on an existing item; NotFound for anything
        else (the action is part of the URL)."""
        t = self._by_action.get(action)
        if t is None or t not in self.steps():
            raise NotFound(_("Unknown action: %(action)s.") % {"action": action})
        return t

    # --- The glue's view of the kind ------------------------------------------------------

    def item_for(self, user, number: str):
        """The item numbered `number` as `user` may see it, or NotFound."""
        if self.lookup is not None:
            lookup = import_string(self.lookup) if isinstance(self.lookup, str) else self.lookup
            return lookup(user, number)
        from gridgov.org.scoping import scoped

        item = scoped(self.model.objects.all(), user).filter(number=number).first()
        if item is None:
            raise NotFound()
        return item

    def runs(self, action: str):
        """Register the function of an action with real logic: it is called as
        run(pk, actor=, note=, photos=, version=, **input) with the action's validated input."""
        self.transition(action)

        def register(function):
            self._runners[action] = function
            return function

        return register

    def act(self, pk, action: str, *, actor, note="", photos=(), version=None, **input):
        """Take an action on an existing item: its registered function if it has real logic,
        otherwise the table's row (its timestamp, its field changes, its photos)."""
        t = self.transition(action)
        if not t.sources:
            raise InvalidInput(_("“%(action)s” creates an item.") % {"action": t.label})
        run = self._runner(action)
        photos = prepared(photos)
        if run is not None:
            return run(pk, actor=actor, note=note, photos=photos, version=version, **input)
        if input:
            raise InvalidInput(_("“%(action)s” takes no such input.") % {"action": t.label})
        return self.perform(
            pk, action, actor=actor, note=note, photos=photos, expected_version=version
        )

    def _runner(self, action: str) -> Callable | None:
        if not self._runners:
            # The functions register when their module loads; a worker or a command may not
            # have imported it yet.
            from importlib import import_module

            package = self.model.__module__.rsplit(".", 1)[0]
            try:
                import_module(f"{package}.actions")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.actions":
                    raise
        return self._runners.get(action)

    # --- Who may do what ------------------------------------------------------------------

    def role_of(self, actor) -> str | None:
        # The worker and commands act under a label ("system", "command:…"); None is no one.
        if isinstance(actor, PublicActor):
            return CITIZEN
        if isinstance(actor, str):
            return SYSTEM
        if actor is None:
            return None
        if not actor.is_authenticated or not actor.is_active:
            return None
        post = post_of(actor)
        if post is not None and post.is_active:
            return post.role
        if post is None and not actor.is_staff:
            return CITIZEN
        return None

    def may(self, item, action: str, actor) -> bool:
        try:
            self.check(item, self.transition(action), actor)
        except (Conflict, NotPermitted, NotFound):
            return False
        return True

    def actions_for(self, item, actor) -> list[Transition]:
        """What the actor may do to the item now: the buttons of its page."""
        return [
            t
            for t in self.transitions
            if t.sources and item.status in t.sources and self._permitted(item, t, actor)
        ]

    def check(self, item, t: Transition, actor) -> None:
        """Raise the reason the actor may not take `t` on `item` now, if there is one."""
        if not isinstance(actor, str) and actor is not None and not self.visible(item, actor):
            raise NotFound()
        self.next_state(item.status if item.pk else None, t.action)
        if not self._permitted(item, t, actor):
            raise NotPermitted(
                _("Your role or unit may not “%(action)s” this item.") % {"action": t.label}
            )

    def _permitted(self, item, t: Transition, actor) -> bool:
        role = self.role_of(actor)
        if role is None or role not in t.roles:
            return False
        if t.guard is None or role == SYSTEM:
            return True
        post = None if isinstance(actor, str) else post_of(actor)  # labels hold no post
        return bool(self.guards[t.guard](item, actor, post))

    def visible(self, item, user) -> bool:
        return can_see(user, item)

    # --- The one write path ---------------------------------------------------------------

    def start(
        self,
        item,
        action: str,
        *,
        actor,
        note: str = "",
        photos: Iterable = (),
        data: dict | None = None,
        save_photos: Callable | None = None,
        prepare: Callable | None = None,
        then: Callable | None = None,
    ):
        """Create an item with a creating action ("report"). `item` is unsaved, filled in;
        prepare(item), if given, runs inside the transaction just before the insert (to draw
        the item's number from a counter that must commit or roll back with it); then(item,
        entry) right after it (to fill in its many-to-many relations)."""
        t = self.transition(action)
        if t.sources:
            raise InvalidInput(_("“%(action)s” does not create an item.") % {"action": t.label})
        self._check_inputs(t, note, photos)
        if not self._permitted(item, t, actor):
            raise NotPermitted(_("Your role may not “%(action)s”.") % {"action": t.label})
        with transaction.atomic():
            now = timezone.now()
            if prepare is not None:
                prepare(item)
            item.version = 0
            t.apply(item, now)
            self.advance(item, t, now)
            with stepping():
                item.save()
            entry = self._append(item, t, None, actor, now, note, photos, data, save_photos)
            if then is not None:
                then(item, entry)
        return item

    def perform(
        self,
        pk,
        action: str,
        *,
        actor,
        note: str = "",
        photos: Iterable = (),
        expected_version: int | None = None,
        apply: Callable | None = None,
        data: dict | None = None,
        save_photos: Callable | None = None,
        lock_related: tuple[str, ...] = (),
        then: Callable | None = None,
    ):
        """Take `action` on the item with primary key `pk`, as `actor`.

        apply(item, now) makes the action's own changes and returns the names of the fields it
        set, or raises a GridGovError — before anything is saved — when its input is wrong.
        then(item, entry) runs in the same transaction once the step is written: what the step
        leads to (its photos attached to a row it made, the items it starts) commits or rolls
        back with it.
        expected_version: the version the actor saw; if someone acted since, 409.
        """
        t = self.transition(action)
        photos = list(photos)
        self._check_inputs(t, note, photos)
        if photos and not t.takes_photos:
            raise InvalidInput(_("“%(action)s” takes no photos.") % {"action": t.label})
        with transaction.atomic():
            item = self._lock(pk, lock_related or self.lock_related)
            self.check(item, t, actor)  # first: an item out of scope stays a 404
            if expected_version is not None and item.version != expected_version:
                raise Conflict()
            now = timezone.now()
            previous = item.status
            changed = set(apply(item, now) if apply else ()) | t.apply(item, now)
            self.advance(item, t, now)
            changed |= ENGINE_FIELDS
            # The step is an update of the item: clients polling for changes (Open311's
            # updated_datetime) must see it, and update_fields skips auto_now otherwise.
            item.updated_at = now
            with stepping():
                item.save(update_fields=sorted(changed))
            entry = self._append(item, t, previous, actor, now, note, photos, data, save_photos)
            if then is not None:
                then(item, entry)
        return item

    def _lock(self, pk, related: tuple[str, ...]):
        # of=("self",): on PostgreSQL lock the item only, not the regions and units joined in.
        queryset = self.model.objects.select_for_update(of=("self",)).select_related(*related)
        try:
            return queryset.get(pk=pk)
        except self.model.DoesNotExist:
            raise NotFound() from None

    def _check_inputs(self, t: Transition, note: str, photos) -> None:
        if t.note_required and not (note or "").strip():
            raise InvalidInput(_("“%(action)s” needs a reason or a note.") % {"action": t.label})
        if len(note or "") > MAX_TEXT:
            raise InvalidInput(
                _("The note is longer than %(max)d characters.") % {"max": MAX_TEXT},
                details=[
                    field_problem("note", _("At most %(max)d characters.") % {"max": MAX_TEXT})
                ],
            )
        if t.photos_required and not list(photos):
            raise InvalidInput(_("“%(action)s” needs at least one photo.") % {"action": t.label})

    def advance(self, item, t: Transition, now) -> None:
        """Move an item one step along the table in memory: the late flag (a step taken after
        its deadline), the new state, the version, the next deadline. The one place these
        change; `start` and `perform` save the result (and so does the demo's bulk history)."""
        if item.due_at is not None and now > item.due_at:
            item.late = True
        item.status = self.next_state(item.status if item.version else None, t.action)
        item.version += 1
        self._stamp_deadline(item, t, now)

    def history_step(self, row, action: str, at, **entry):
        """One step of a history written in bulk (the demo's), at a time its caller controls:
        the table's own changes (timestamp, field changes), then `advance`; returns the
        unsaved timeline row (`entry`: its actor label, note, data, item…). The actions'
        real logic (a unit chosen, a result recorded) is the caller's."""
        t = self.transition(action)
        previous = row.status if row.version else ""
        t.apply(row, at)
        self.advance(row, t, at)
        return self.timeline_model(
            seq=row.version, action=action, from_state=previous or "", to_state=row.status,
            at=at, **entry,
        )  # fmt: skip

    def _stamp_deadline(self, item, t: Transition, now) -> None:
        state = item.status
        if state in self.terminal:
            item.step, item.warn_at, item.due_at = "", None, None
            return
        if t.step is None or self.deadline is None:
            return
        step = item.step if t.step == RESTART else t.step
        deadline = self.deadline(item, step, now) if step else None
        if deadline is None:
            item.step, item.warn_at, item.due_at = step, None, None
        else:
            item.step, item.warn_at, item.due_at = step, deadline.warn_at, deadline.due_at

    def _append(self, item, t, previous, actor, now, note, photos, data, save_photos):
        entry = self.timeline_model.objects.create(
            item=item,
            seq=item.version,
            action=t.action,
            from_state=previous or "",
            to_state=item.status,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=audit.actor_label(actor),
            at=now,
            note=note or "",
            data=data or {},
        )
        photos = list(photos)
        if photos:
            photos = (save_photos or _save_photos)(photos, uploaded_by=actor)
            entry.attachments.set(photos)
        entry._photos = photos
        # The caller may answer with the step it just took, without reading it back.
        item.last_entry = entry
        audit.record(
            f"{self.name}.{t.action}",
            actor=actor,
            target=item,
            summary=f"{item} {previous or '-'} → {item.status}",
            changes={"status": [previous, item.status], **(data or {})},
        )
        if self.recipients is not None and t.action in self.notify_on:
            # Who to tell is worked out by the worker, after the step has committed: the
            # request that took the step does not wait for it.
            from .tasks import notify_step

            args = (self.name, item.pk, t.action, getattr(actor, "pk", None))
            transaction.on_commit(lambda: notify_step.enqueue(*args))
        return entry

    def notify(self, item, action: str, actor_id: int | None) -> int:
        """Write the notifications of a step that has been taken; the worker calls this."""
        from .models import Notification

        t = self.transition(action)
        user_ids = set(self.recipients(item, t)) - {None, actor_id}
        if not user_ids:
            return 0
        text = self.notification_text(item, t) if self.notification_text else str(item)
        url = item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""
        Notification.objects.bulk_create(
            [Notification(user_id=u, text=text[:255], url=url) for u in sorted(user_ids)]
        )
        return len(user_ids)
