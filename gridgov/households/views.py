"""Staff pages of the ledgers: the residents, households and buildings lists with filters (for
dispatchers and leaders), one household (members, moves, counts as of a date), one resident
(masked, with the audited reveal), one building (houses, households, units), the phone-first
pages of a grid worker (my grid's buildings → households → members), and the log of reveals
for supervisors.

Every write goes through `gridgov.households.actions`; a refused one shows its reasons on the
page it came from.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError, NotFound
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability, post_of
from gridgov.org.views import reveal_answer
from gridgov.regions.choices import CRS
from gridgov.regions.selectors import map_centre_for

from . import actions
from .choices import Colour, HouseUse, MoveKind, Presence, Relation, ResidenceKind
from .models import SpecialGroup
from .selectors import (
    NO_COLOUR,
    building_for,
    buildings_with_counts,
    filtered_buildings,
    filtered_households,
    filtered_residents,
    house_for,
    household_for,
    household_size_on,
    households_of_building,
    labels_of,
    members,
    moves_of,
    placement_for,
    region_for,
    resident_filter_from,
    resident_for,
    reveals_for,
    unit_target_for,
    units_of_building,
    units_to_place,
)

PAGE_SIZE = 30


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _region_or_none(request):
    try:
        return region_for(request.user, request.GET.get("region"))
    except NotFound:
        return None


# --- Lists ----------------------------------------------------------------------------------


@login_required
def resident_list(request):
    try:
        f = resident_filter_from(request.user, request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("households:list")
    residents = filtered_residents(request.user, f, timezone.localdate())
    return render(
        request,
        "households/ledger_residents.html",
        {
            "page": _page(request, residents),
            "f": f,
            "groups": SpecialGroup.objects.filter(is_active=True),
            "residences": ResidenceKind.choices,
            "colours": [*Colour.choices, (NO_COLOUR, _("not classed"))],
            "presences": Presence.choices,
        },
    )


@login_required
def household_list(request):
    region, q = _region_or_none(request), request.GET.get("q", "")
    households = filtered_households(request.user, region, q)
    return render(
        request,
        "households/ledger_households.html",
        {"page": _page(request, households), "region": region, "q": q[:40]},
    )


@login_required
def building_list(request):
    """The buildings of an area; a grid worker lands on their own grid's (phone-first)."""
    region, q = _region_or_none(request), request.GET.get("q", "")
    buildings = buildings_with_counts(filtered_buildings(request.user, region, q))
    return render(
        request,
        "households/ledger_buildings.html",
        {
            "page": _page(request, buildings),
            "region": region,
            "q": q[:100],
            "may_write": actions.may_write_ledgers(request.user),
            "uses": HouseUse.choices,
        },
    )


# --- One building, one household, one resident ----------------------------------------------


def _error_context(error: GridGovError | None) -> dict:
    return {"error": error} if error else {}


@login_required
def building_detail(request, pk, error=None, status=200):
    building = building_for(request.user, pk)
    may_write = actions.may_write_ledgers(request.user)
    context = {
        "building": building,
        "houses": building.houses.order_by("unit", "floor", "room", "id"),
        "households": households_of_building(building),
        "units": units_of_building(building),
        "uses": HouseUse.choices,
        "may_write": may_write,
        "to_place": units_to_place(request.user, building) if may_write else (),
        "values": request.POST if error else {},
        **_error_context(error),
    }
    return render(request, "households/ledger_building.html", context, status=status)


def _building_data(post) -> actions.BuildingData:
    """The building form: a point dropped on the map (WGS84, as browsers give it) or, without
    one, a micro-grid's code."""
    return actions.BuildingData(
        name=post.get("name", ""),
        address=post.get("address", ""),
        address_code=post.get("address_code", ""),
        lon=post.get("lon", ""),
        lat=post.get("lat", ""),
        crs=CRS.WGS84,
        microgrid=post.get("microgrid", ""),
        floors=post.get("floors", ""),
    )


def _building_form(request, *, building=None, values=None, error=None, status=200):
    if building is not None and building.lon is not None:
        home = {"lon": building.lon, "lat": building.lat}
    else:
        home = map_centre_for(request.user)
    context = {
        "building": building,
        "home": home,
        "values": values if values is not None else {},
        **_error_context(error),
    }
    return render(request, "households/ledger_building_form.html", context, status=status)


def _building_values(building) -> dict:
    return {
        "name": building.name,
        "address": building.address,
        "address_code": building.address_code,
        "floors": building.floors or "",
        "lon": building.lon if building.lon is not None else "",
        "lat": building.lat if building.lat is not None else "",
        "microgrid": building.microgrid.code if building.microgrid_id else "",
    }


@login_required
def building_new(request):
    """Add a building (实有房屋): its standard address, and where it is."""
    if not actions.may_write_ledgers(request.user):
        return render(request, "403.html", status=403)
    if request.method != "POST":
        return _building_form(request)
    try:
        building = actions.do_add_building(_building_data(request.POST), actor=request.user)
    except GridGovError as error:
        return _building_form(request, values=request.POST, error=error, status=error.status_code)
    messages.success(request, _("Saved."))
    return redirect("households:building", pk=building.pk)


@login_required
def building_edit(request, pk):
    """Edit a building; a new point or micro-grid moves everything in it."""
    building = building_for(request.user, pk)
    if not actions.may_write_ledgers(request.user):
        return render(request, "403.html", status=403)
    if request.method != "POST":
        return _building_form(request, building=building, values=_building_values(building))
    try:
        actions.do_edit_building(building, _building_data(request.POST), actor=request.user)
    except GridGovError as error:
        return _building_form(
            request, building=building, values=request.POST, error=error,
            status=error.status_code,
        )  # fmt: skip
    messages.success(request, _("Saved."))
    return redirect("households:building", pk=building.pk)


def _building_step(request, pk, write):
    """A form on the building's page: `write(building)` through an action; a refusal shows its
    reasons on the page, a success goes back to it."""
    building = building_for(request.user, pk)
    try:
        write(building)
    except GridGovError as error:
        return building_detail(request, pk, error=error, status=error.status_code)
    messages.success(request, _("Saved."))
    return redirect("households:building", pk=building.pk)


@login_required
@require_POST
def building_place_unit(request, pk):
    """An actual unit (实有单位) of the village is at this building."""

    def place(building):
        target = unit_target_for(request.user, request.POST.get("target"))
        actions.do_place_unit(target, building, actor=request.user)

    return _building_step(request, pk, place)


@login_required
@require_POST
def building_unplace_unit(request, pk, target):
    def unplace(building):
        placement = placement_for(request.user, building, target)
        actions.do_unplace_unit(placement, actor=request.user)

    return _building_step(request, pk, unplace)


@login_required
@require_POST
def building_add_house(request, pk):
    data = actions.HouseData(
        use=request.POST.get("use", ""),
        unit=request.POST.get("unit", ""),
        floor=request.POST.get("floor", ""),
        room=request.POST.get("room", ""),
    )
    return _building_step(
        request, pk, lambda building: actions.do_add_house(building, data, actor=request.user)
    )


@login_required
@require_POST
def house_add_household(request, pk):
    house = house_for(request.user, pk)
    try:
        household = actions.do_add_household(
            house,
            actor=request.user,
            number=request.POST.get("number", ""),
            note=request.POST.get("note", ""),
        )
    except GridGovError as error:
        return building_detail(request, house.building_id, error=error, status=error.status_code)
    messages.success(request, _("Saved."))
    return redirect(household.get_absolute_url())


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def household_detail(request, number, error=None, status=200):
    household = household_for(request.user, number)
    on = _as_of(request)
    context = {
        "household": household,
        "members": members(household),
        "moves": moves_of(household)[:100],
        "on": on,
        "size_on": household_size_on(household, on),
        "may_write": actions.may_write_ledgers(request.user),
        "residences": ResidenceKind.choices,
        "relations": Relation.choices,
        "arrivals": [
            (MoveKind.MOVE_IN, MoveKind.MOVE_IN.label),
            (MoveKind.BIRTH, MoveKind.BIRTH.label),
        ],
        "groups": SpecialGroup.objects.filter(is_active=True, min_age=None, max_age=None),
        "values": request.POST if error else {},
        **_error_context(error),
    }
    return render(request, "households/household_detail.html", context, status=status)


@login_required
@require_POST
def household_add_member(request, number):
    household = household_for(request.user, number)
    post = request.POST
    try:
        resident = actions.do_add_resident(
            household,
            actor=request.user,
            name=post.get("name", ""),
            id_number=post.get("id_number", ""),
            phone=post.get("phone", ""),
            residence=post.get("residence", ""),
            relation=post.get("relation", ""),
            groups=post.getlist("groups"),
            note=post.get("note", ""),
            on=post.get("on") or None,
            arrival=post.get("arrival") or MoveKind.MOVE_IN,
        )
    except GridGovError as error:
        return household_detail(request, number, error=error, status=error.status_code)
    messages.success(request, _("Saved."))
    return redirect(resident.get_absolute_url())


@login_required
def resident_detail(request, pk, error=None, status=200):
    resident = resident_for(request.user, pk)
    today = timezone.localdate()
    context = {
        "resident": resident,
        "age": resident.age_on(today),
        "groups": resident.groups.all(),
        "moves": resident.moves.select_related("household").order_by("-on", "-id"),
        "can_reveal": has_capability(request.user, Capability.REVEAL_PII),
        "may_write": actions.may_write_ledgers(request.user),
        "may_erase": actions.may_write_ledgers(request.user, actions.ERASERS),
        "move_kinds": [
            (k, MoveKind(k).label) for k in (MoveKind.MOVE_OUT, MoveKind.MOVE_IN, MoveKind.DEATH)
        ],
        "hand_groups": SpecialGroup.objects.filter(is_active=True, min_age=None, max_age=None),
        "values": request.POST if error else {},
        **_error_context(error),
    }
    return render(request, "households/resident_detail.html", context, status=status)


def _resident_step(request, pk, step, done=None):
    """Run one action on a resident found in the reader's area: back to the resident's page
    with "saved", or the page again with the reasons it was refused."""
    resident = resident_for(request.user, pk)
    try:
        step(resident, request.POST)
    except GridGovError as error:
        return resident_detail(request, pk, error=error, status=error.status_code)
    messages.success(request, _("Saved."))
    return done(resident) if done else redirect("households:resident", pk=resident.pk)


@login_required
@require_POST
def resident_move(request, pk):
    def move(resident, post):
        number = post.get("household", "").strip()
        actions.do_record_move(
            resident,
            post.get("kind", ""),
            post.get("on") or None,
            actor=request.user,
            household=household_for(request.user, number) if number else None,
            note=post.get("note", ""),
        )

    return _resident_step(request, pk, move)


@login_required
@require_POST
def resident_groups(request, pk):
    def set_groups(resident, post):
        actions.do_set_groups(resident, post.getlist("groups"), actor=request.user)

    return _resident_step(request, pk, set_groups)


@login_required
@require_POST
def resident_erase(request, pk):
    def erase(resident, post):
        actions.do_erase_resident(resident, actor=request.user, reason=post.get("reason", ""))

    def back_to_household(resident):
        return redirect("households:household", number=resident.household.number)

    return _resident_step(request, pk, erase, back_to_household)


@login_required
@require_POST
def resident_reveal(request, pk, field):
    """htmx: the full ID number or phone, for the purpose picked on the page. Audited."""
    return reveal_answer(request, resident_for(request.user, pk), field)


# --- A grid worker's phone pages ------------------------------------------------------------


@login_required
def my_grid(request):
    """Where a grid worker starts: the buildings of their own grid (or micro-grid)."""
    post = post_of(request.user)
    if post is None:
        raise NotFound(_("You have no post in an area."))
    return redirect(f"{reverse('households:buildings')}?region={post.region_id}")


# --- The reveals log ------------------------------------------------------------------------


@capability_required(Capability.REVIEW_REVEALS)
def reveal_log(request):
    """Who saw whose personal information in full, when, and why: the reveals made on rows in
    the reader's area (residents, staff, filings…)."""
    page = _page(request, reveals_for(request.user))
    labels = labels_of(page.object_list)
    for entry in page.object_list:
        entry.whose = labels.get((entry.target_type, entry.target_id), "")
    return render(request, "households/ledger_reveals.html", {"page": page})
