"""Reading the region tree on behalf of a user: always through the scoping helper."""

from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.org.roles import post_of
from gridgov.org.scoping import scope_of, scoped

from .choices import LEVELS
from .models import Region

WITH_ANCESTORS = ("parent", *LEVELS[:-1])


def regions_for(user):
    return scoped(Region.objects.all(), user)


def region_for(user, code: str) -> Region:
    """A region the user may see, by code; 404 otherwise (never reveal that it exists)."""
    region = regions_for(user).select_related(*WITH_ANCESTORS, "leader").filter(code=code).first()
    if region is None:
        raise NotFound(_("No region %(code)s in your area.") % {"code": code})
    return region


def home_region_for(user) -> Region | None:
    """Where a user's view of the tree starts: their posting, or the top of the tree."""
    scope = scope_of(user)
    if scope.region_id is not None:
        return Region.objects.select_related(*WITH_ANCESTORS).get(pk=scope.region_id)
    if scope.everything:
        return Region.objects.filter(parent__isnull=True).order_by("code").first()
    return None


def region_or_home_for(user, code: str | None) -> Region | None:
    """The region a page or endpoint was asked about, or the user's own when none was named."""
    return region_for(user, code) if code else home_region_for(user)


def ancestors_of(region: Region) -> list[Region]:
    """From the top of the tree down to the region's parent (for breadcrumbs)."""
    chain = []
    for level in LEVELS[:-1]:
        above = getattr(region, level)
        if above is not None and above.pk != region.pk:
            chain.append(above)
    return chain


# Where a map opens when a region has no label point yet (the centre of 嘉兴).
DEFAULT_MAP_CENTRE = (120.755, 30.746)


def map_centre(region: Region | None) -> dict:
    """Where a map opens: the region's label point, as the map picker reads it."""
    lon, lat = DEFAULT_MAP_CENTRE
    if region is not None and region.label_lon is not None and region.label_lat is not None:
        lon, lat = region.label_lon, region.label_lat
    return {"lon": lon, "lat": lat, "code": region.code if region is not None else ""}


def map_centre_for(user) -> dict:
    """A staff member's map opens on their posting."""
    post = post_of(user)
    return map_centre(post.region if post is not None else None)
