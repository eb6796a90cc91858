"""Reading the region tree on behalf of a user: always through the scoping helper."""

from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
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
