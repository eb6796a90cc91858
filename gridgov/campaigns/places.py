"""An item's area and place, as people give them and as they are stored.

Area: stored in square metres; the board and the files speak 亩 too (1 亩 = 10,000/15 m²).
Place: a point or a polygon, in WGS84 or GCJ-02 (what Chinese map apps give), stored as GeoJSON
text in WGS84 with 6 decimals (about 10 cm), written once so that no request decodes it again.
"""

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import shapely
from django.utils.translation import gettext as _

from gridgov.regions.boundaries import _read_geometry
from gridgov.regions.choices import CRS
from gridgov.regions.crs import wgs84_point

M2_PER_MU = Decimal(10000) / Decimal(15)
CENT = Decimal("0.01")
MAX_AREA_M2 = Decimal("1e11")  # larger than any county: a typo, not a plot
COORDINATE_DECIMALS = 6


class PlaceError(ValueError):
    """A place or an area that cannot be read; the message says why (in the reader's language)."""


def mu_to_m2(mu) -> Decimal:
    return (Decimal(mu) * M2_PER_MU).quantize(CENT, rounding=ROUND_HALF_UP)


def m2_to_mu(m2) -> Decimal:
    return Decimal(m2) / M2_PER_MU


def area_in_m2(value, unit: str) -> Decimal:
    """An area given in 亩 ("mu", "亩") or m² ("m2", "㎡", "平方米"), in m²; PlaceError
    otherwise."""
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise PlaceError(_("the area must be a number")) from None
    if not number.is_finite() or number < 0:
        raise PlaceError(_("the area must be a number of zero or more"))
    unit = (unit or "").strip().lower()
    if unit in ("亩", "mu"):
        m2 = mu_to_m2(number)
    elif unit in ("m2", "m²", "㎡", "平方米"):
        m2 = number.quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        raise PlaceError(_("the area unit must be 亩 or 平方米"))
    if m2 > MAX_AREA_M2:
        raise PlaceError(_("the area is too large"))
    return m2


def _rounded(geometry):
    return shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS, mode="pointwise")


def read_place(text: str, crs: str = CRS.WGS84) -> tuple[str, float, float]:
    """The stored GeoJSON text and a point of it (lon, lat), from "lon,lat" or a GeoJSON Point,
    Polygon or MultiPolygon in `crs`. PlaceError says what is wrong."""
    text = (text or "").strip()
    if crs not in CRS.values:
        raise PlaceError(
            _("the coordinate system must be one of %(crs)s") % {"crs": "wgs84, gcj02"}
        )
    if not text.startswith("{"):
        return _point_place(*text.replace("，", ",").split(",", 1), crs=crs)
    try:
        document = json.loads(text)
    except ValueError:
        raise PlaceError(_("the place is neither lon,lat nor GeoJSON")) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = document.get("geometry")
    if isinstance(document, dict) and document.get("type") == "Point":
        coordinates = document.get("coordinates")
        if not isinstance(coordinates, list) or len(coordinates) < 2:
            raise PlaceError(_("a point needs longitude and latitude"))
        return _point_place(coordinates[0], coordinates[1], crs=crs)
    geometry, reason = _read_geometry(document, crs)
    if geometry is None:
        raise PlaceError(str(reason))
    geometry = _rounded(geometry)
    centre = geometry.representative_point()
    return shapely.to_geojson(geometry), round(centre.x, 6), round(centre.y, 6)


def _point_place(lon, lat="", *, crs: str) -> tuple[str, float, float]:
    try:
        lon, lat = wgs84_point(lon, lat, crs)
    except ValueError:
        raise PlaceError(_("the place is neither lon,lat nor GeoJSON")) from None
    lon, lat = round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)
    return json.dumps({"type": "Point", "coordinates": [lon, lat]}, separators=(",", ":")), lon, lat
