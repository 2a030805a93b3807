"""The map of Russia's federal subjects, light enough to send to a browser on every rerun.

The shipped GeoJSON (data/reference/russia_regions.geojson.gz, © OpenStreetMap contributors via
GIS-Lab / click_that_hood) has ~93 000 points; snapped to a 0.1° grid with repeated points dropped,
it keeps the shapes at country zoom and shrinks several-fold. Chukotka crosses the 180th meridian:
its western-hemisphere points are shifted by +360° so the region stays in one piece.
"""

from __future__ import annotations

import gzip
import json
from functools import cache

from pipelines.config import REFERENCE

GRID = 0.1


def _ring(points: list[list[float]]) -> list[list[float]] | None:
    out: list[list[float]] = []
    for lon, lat, *_ in points:
        p = [round(round((lon + 360 if lon < 0 else lon) / GRID) * GRID, 2), round(round(lat / GRID) * GRID, 2)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) < 4:
        return None
    if out[0] != out[-1]:
        out.append(out[0])
    return out


@cache
def regions_geojson() -> dict:
    """FeatureCollection keyed by ``properties.name`` (= regions.csv ``geo_name``), simplified."""
    with gzip.open(REFERENCE / "russia_regions.geojson.gz", "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    features = []
    for f in data["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        kept = []
        for poly in polys:
            rings = [r for r in (_ring(ring) for ring in poly) if r]
            if rings:
                kept.append(rings)
        features.append({"type": "Feature", "properties": {"name": f["properties"]["name"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return {"type": "FeatureCollection", "features": features}
