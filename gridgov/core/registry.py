"""What each app brings to the platform, declared in its `AppConfig.ready()`.

`core` is the ground floor: it imports no app built on it. An app adds its part of the demo, its
counters on the workbench, its entries in the navigation, its periodic jobs and the platform's
scoping gate here, and `core` (load_demo, the workbench, the middleware, run_clock) reads them.
The order apps register in is INSTALLED_APPS's; it breaks ties, never dependencies.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

# --- The demo -------------------------------------------------------------------------------


@dataclass
class Demo:
    """What `load_demo` was asked for, and what each step reported (by step name)."""

    scale: str
    seed: int
    actor: str
    options: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo.

    load(demo) fills it in; what it returns is kept as demo.figures[name].
    after: the steps it builds on (their rows must exist first).
    summary(demo): its part of the closing line ("3000 events over the past year"), or None.
    loaded(): True when the database already holds the demo (it is then not loaded again).
    logins(): the demo's sign-ins, all with `password`.
    scales: the sizes of demo it can load (`load_demo --scale`).
    """

    name: str
    load: Callable
    after: tuple[str, ...] = ()
    summary: Callable | None = None
    loaded: Callable | None = None
    logins: Callable | None = None
    password: str = ""
    scales: tuple[str, ...] = ()


_demo: dict[str, DemoStep] = {}


def register_demo(step: DemoStep) -> None:
    _demo[step.name] = step


def demo_steps() -> list[DemoStep]:
    """Every step, each after the ones it names (ties in registration order)."""
    ordered, placed = [], set()
    waiting = list(_demo.values())
    while waiting:
        ready = next((s for s in waiting if placed >= set(s.after)), None)
        if ready is None:
            names = ", ".join(f"{s.name} (after {', '.join(s.after)})" for s in waiting)
            raise ImproperlyConfigured(f"Demo steps that can never run: {names}")
        ordered.append(ready)
        placed.add(ready.name)
        waiting.remove(ready)
    return ordered


def demo_logins() -> tuple[str, list]:
    """The demo's password and sign-ins (none before the demo is loaded)."""
    for step in _demo.values():
        if step.logins is not None:
            return step.password, step.logins()
    return "", []


# --- The workbench and the navigation -------------------------------------------------------


@dataclass(frozen=True)
class Tiles:
    """An app's counters on the workbench: `template` is included in the home page with what
    context(user) returns (a dict merged into the page's context)."""

    template: str
    context: Callable
    order: int


_tiles: list[Tiles] = []


def register_tiles(tiles: Tiles) -> None:
    _tiles.append(tiles)


def workbench(user) -> tuple[list[str], dict]:
    """The workbench's fragments, in order, and the figures they show for this user."""
    chosen = sorted(_tiles, key=lambda t: t.order)
    context = {}
    for tiles in chosen:
        context.update(tiles.context(user))
    return [t.template for t in chosen], context


# A navigation entry shown to every staff member with any capability at all.
ANY_CAPABILITY = "*"


@dataclass(frozen=True)
class NavEntry:
    """A link of the signed-in navigation: `url` names the page; `requires` the capability a
    user must hold to see it (None: everyone signed in; ANY_CAPABILITY: any staff member)."""

    label: str
    url: str
    order: int
    requires: str | None = None

    def shown_to(self, capabilities) -> bool:
        if self.requires is None:
            return True
        if self.requires == ANY_CAPABILITY:
            return bool(capabilities)
        return self.requires in capabilities


_navigation: list[NavEntry] = []


def register_navigation(*entries: NavEntry) -> None:
    _navigation.extend(entries)


def navigation() -> list[NavEntry]:
    return sorted(_navigation, key=lambda e: e.order)


# --- Periodic jobs --------------------------------------------------------------------------


_jobs: dict[str, int] = {}


def register_job(task: str, seconds: int) -> None:
    """Have `run_clock` queue the task (a dotted path) every `seconds`."""
    _jobs[task] = seconds


def periodic_jobs() -> list[tuple[str, int]]:
    return list(_jobs.items())


# --- Uploads decoded before a transaction --------------------------------------------------


@dataclass(frozen=True)
class UploadHandler:
    """How an app takes a request's uploads before any transaction (an idempotent request
    opens one): `prepare(files)` checks and stores them, returning what it stored;
    `discard(stored)` removes what no row came to use once the request is over."""

    prepare: Callable
    discard: Callable


_upload_handlers: list[UploadHandler] = []


def register_upload_handler(handler: UploadHandler) -> None:
    _upload_handlers.append(handler)


def upload_handlers() -> list[UploadHandler]:
    return list(_upload_handlers)


# --- Errors in the shape of a part of the site ----------------------------------------------


_error_formats: dict[str, Callable] = {}


def register_error_format(prefix: str, respond: Callable) -> None:
    """Requests under `prefix` are refused by respond(request, status, message), in the error
    shape that part of the site promises its clients (the Open311 spec's, say)."""
    _error_formats[prefix] = respond


def error_format(path: str) -> Callable | None:
    return next((f for prefix, f in _error_formats.items() if path.startswith(prefix)), None)


# --- Who may read and do what ---------------------------------------------------------------


_access: dict[str, Callable] = {}


def register_access(*, scoped: Callable, capabilities_of: Callable) -> None:
    """The gate every read of scoped data goes through, scoped(queryset, user), and what a
    user may do, capabilities_of(user) (a set of capability names)."""
    _access.update(scoped=scoped, capabilities_of=capabilities_of)


def _gate(name: str) -> Callable:
    try:
        return _access[name]
    except KeyError:
        raise ImproperlyConfigured("No app registered who may read and do what.") from None


def scoped(queryset, user):
    return _gate("scoped")(queryset, user)


def capabilities_of(user) -> frozenset:
    return _gate("capabilities_of")(user)


# --- The cockpit (驾驶舱) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number of a cockpit tile.

    key: unique across all tiles, "<tile>.<figure>" ("events.on_time_rate").
    unit: what it counts, shown after it ("%", "件", "户", "人", "亩"); "%" values are 0–100.
    higher_is_better: which way is good (colours on the maps, arrows on the tiles).
    rows: rows(region, period) -> the URL of the filtered list behind the number, or None.
    """

    key: str
    label: str
    unit: str = ""
    higher_is_better: bool = True
    rows: Callable | None = None


@dataclass(frozen=True)
class CockpitTile:
    """An area's part of the cockpit, declared in the area's registry.py.

    read(region, period) -> {figure key: number or None, "charts": {...}} for a `regions.Region`
    and a `core.dates.Period`: figures come from rollups the worker keeps fresh, never from
    scanning raw rows at page time. `by_child(region, period, key)` -> {child region id: number}
    colours the map of the region's children by one figure (None: this tile's figures can't).
    requires: the capability a user needs to see the tile (None: any staff member).
    """

    name: str
    label: str
    order: int
    figures: tuple[Figure, ...]
    read: Callable
    by_child: Callable | None = None
    requires: str | None = None


_cockpit_tiles: dict[str, CockpitTile] = {}


def register_cockpit_tile(tile: CockpitTile) -> None:
    keys = [f.key for t in _cockpit_tiles.values() if t.name != tile.name for f in t.figures]
    clash = {f.key for f in tile.figures} & set(keys)
    if clash:
        raise ImproperlyConfigured(f"Cockpit figures named twice: {', '.join(sorted(clash))}")
    _cockpit_tiles[tile.name] = tile


def cockpit_tiles() -> list[CockpitTile]:
    return sorted(_cockpit_tiles.values(), key=lambda t: t.order)


# --- Evaluation (考核) indicators -------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSource:
    """A rate or count an indicator set can weigh, declared by the area that owns the rows.

    measure(period, units) -> {unit id: (numerator, denominator)} for `units` of `unit_kind`
    ("region": regions.Region ids, all of one level; "department": org.Department ids); a rate is
    numerator / denominator, a count has denominator None. Run by the monthly evaluation job,
    so it may aggregate raw rows (one query, not one per unit). A source of more than one unit
    kind is called with the kind too: measure(period, units, unit_kind=...).
    """

    key: str
    label: str
    unit_kinds: tuple[str, ...]
    measure: Callable
    is_rate: bool = True


_indicator_sources: dict[str, IndicatorSource] = {}


def register_indicator_source(source: IndicatorSource) -> None:
    _indicator_sources[source.key] = source


def indicator_sources() -> dict[str, IndicatorSource]:
    return dict(_indicator_sources)


# --- Pushes: what happened, for whoever subscribed (webhooks, group robots) -------------------


_push_receivers: list[Callable] = []


def register_push_receiver(receive: Callable) -> None:
    """receive(topic, payload, region_id) is called after the commit of the transaction that
    published; it must only queue work (a delivery job), never send inline."""
    _push_receivers.append(receive)


def publish(topic: str, payload: dict, region_id: int | None = None) -> None:
    """Tell the subscribers that `topic` happened ("event.overdue", "warning.raised",
    "summary.daily"), once the current transaction commits. `payload` is JSON-ready."""
    from django.db import transaction

    def deliver():
        for receive in _push_receivers:
            receive(topic, payload, region_id)

    transaction.on_commit(deliver)
