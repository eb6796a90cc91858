"""Coordinate systems: WGS84 (GPS, what we store) and GCJ-02 (what Chinese phone maps give).

GCJ-02 is WGS84 plus a deterministic, position-dependent offset of a few hundred metres inside
mainland China. The forward formula is public; the inverse has no closed form, so we iterate
until the forward transform of our guess lands on the input (converges to < 1e-9° in a few
steps). Everything is vectorised: a whole import or a batch of points converts in one call.
"""

import numpy as np

from .choices import CRS

_AXIS = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses
_ECC2 = 0.00669342162296594323  # its first eccentricity squared


def _in_mainland_china(lon, lat):
    # The customary bounding box: outside it GCJ-02 equals WGS84.
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _offset_lat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    r += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return r


def _offset_lon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    r += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    r += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    r += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _ECC2 * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_AXIS * (1 - _ECC2)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_AXIS / sqrt_magic * np.cos(radlat) * np.pi)
    inside = _in_mainland_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(lon, lat, *, tolerance: float = 1e-10, max_steps: int = 30):
    """Inverse of `wgs84_to_gcj02`, by fixed-point iteration (the offset varies slowly)."""
    target_lon = np.asarray(lon, dtype=float)
    target_lat = np.asarray(lat, dtype=float)
    guess_lon, guess_lat = target_lon.copy(), target_lat.copy()
    for _ in range(max_steps):
        fwd_lon, fwd_lat = wgs84_to_gcj02(guess_lon, guess_lat)
        err_lon, err_lat = fwd_lon - target_lon, fwd_lat - target_lat
        guess_lon = guess_lon - err_lon
        guess_lat = guess_lat - err_lat
        if np.all(np.abs(err_lon) < tolerance) and np.all(np.abs(err_lat) < tolerance):
            break
    return guess_lon, guess_lat


def to_wgs84(lon, lat, crs: str):
    """Convert coordinates declared in `crs` (a CRS value) to WGS84."""
    if crs == CRS.WGS84:
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if crs == CRS.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    raise ValueError(f"Unknown coordinate system {crs!r}; use one of {', '.join(CRS.values)}.")


def geometry_to_wgs84(geometry, crs: str):
    """A shapely geometry with every vertex converted from `crs` to WGS84."""
    import shapely

    if crs == CRS.WGS84:
        return geometry

    def convert(coords):
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, convert)


def wgs84_point(lon, lat, crs: str = CRS.WGS84) -> tuple[float, float]:
    """One point as people and apps send it (numbers or text, in `crs`), in WGS84; ValueError
    when it is not a point on Earth (not numbers, not finite, out of range) or `crs` is
    unknown. Every form and API that takes a location reads it through here."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValueError("not a number") from None
    if not (np.isfinite(lon) and np.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise ValueError("not a point on Earth")
    wgs_lon, wgs_lat = to_wgs84(lon, lat, crs)
    return float(wgs_lon), float(wgs_lat)
