"""The 8 divisions, 64 districts, their upazilas, and the 8 divisional and 64 DC offices."""

from decimal import Decimal

from django.apps.registry import Apps
from django.utils.text import slugify

from offices import geography


def seed_geography(apps: Apps) -> None:
    """Idempotent: rows are matched on the package's ids. Used by a data migration and tests."""
    Division = apps.get_model("offices", "Division")
    District = apps.get_model("offices", "District")
    Upazila = apps.get_model("offices", "Upazila")
    Office = apps.get_model("offices", "Office")

    features = geography.district_map_features()
    divisions = {}
    division_offices = {}
    for row in geography.divisions():
        division, _ = Division.objects.update_or_create(
            geo_id=int(row["id"]), defaults={"name_en": row["name"], "name_bn": row["bn_name"]}
        )
        divisions[row["id"]] = division
        office, _ = Office.objects.update_or_create(
            kind="division",
            division=division,
            defaults={
                "code": "D" + geography.district_code(row["name"]),
                "name_en": f"Divisional Commissioner's Office, {row['name']}",
                "name_bn": f"বিভাগীয় কমিশনারের কার্যালয়, {row['bn_name']}",
            },
        )
        division_offices[row["id"]] = office

    districts = {}
    for row in geography.districts():
        name = row["name"]
        feature = features.get(name)
        map_name = feature["properties"]["ADM2_EN"] if feature else name
        district, _ = District.objects.update_or_create(
            geo_id=int(row["id"]),
            defaults={
                "division": divisions[row["division_id"]],
                "name_en": name,
                "name_bn": row["bn_name"],
                "code": geography.district_code(name),
                "slug": slugify(name),
                "map_name": map_name,
                "latitude": Decimal(row["lat"]).quantize(Decimal("0.000001"))
                if row.get("lat")
                else None,
                "longitude": Decimal(row["lon"]).quantize(Decimal("0.000001"))
                if row.get("lon")
                else None,
            },
        )
        districts[row["id"]] = district
        Office.objects.update_or_create(
            kind="district",
            district=district,
            defaults={
                "code": district.code,
                "division": district.division,
                "parent": division_offices[row["division_id"]],
                "name_en": f"Deputy Commissioner's Office, {name}",
                "name_bn": f"জেলা প্রশাসকের কার্যালয়, {row['bn_name']}",
            },
        )

    for row in geography.upazilas():
        Upazila.objects.update_or_create(
            geo_id=int(row["id"]),
            defaults={
                "district": districts[row["district_id"]],
                "name_en": row["name"],
                "name_bn": row["bn_name"],
            },
        )
