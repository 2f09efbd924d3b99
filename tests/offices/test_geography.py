import pytest

from offices.geography import GEOJSON_ALIASES, district_map_features
from offices.models import District, Division, Office, OfficeKind, Upazila

pytestmark = pytest.mark.django_db


def test_eight_divisions_with_bangla_names():
    divisions = Division.objects.all()

    assert divisions.count() == 8
    assert all(d.name_bn and d.name_bn != d.name_en for d in divisions)


def test_sixty_four_districts_with_bangla_names_and_unique_codes():
    districts = District.objects.all()

    assert districts.count() == 64
    assert all(d.name_bn and d.name_bn != d.name_en for d in districts)
    assert len({d.code for d in districts}) == 64
    assert all(len(d.code) == 3 and d.code.isalpha() and d.code.isupper() for d in districts)


def test_upazilas_belong_to_districts_and_have_bangla_names():
    assert Upazila.objects.count() == 494
    assert not Upazila.objects.filter(name_bn="").exists()
    assert District.objects.filter(upazilas__isnull=True).count() == 0


def test_every_district_matches_exactly_one_map_feature():
    features = district_map_features()
    map_names = {f["properties"]["ADM2_EN"] for f in features.values()}

    assert len(features) == 64
    assert set(features) == set(District.objects.values_list("name_en", flat=True))
    assert set(District.objects.values_list("map_name", flat=True)) == map_names


def test_aliases_are_all_needed():
    """An alias that no longer maps a GeoJSON name would hide a change in the package."""
    features = district_map_features()
    map_names = {f["properties"]["ADM2_EN"] for f in features.values()}

    assert set(GEOJSON_ALIASES) <= map_names
    assert not set(GEOJSON_ALIASES.values()) & map_names


def test_every_dc_office_reports_to_its_divisions_office():
    dc_offices = Office.objects.filter(kind=OfficeKind.DISTRICT).select_related(
        "district", "parent"
    )

    assert dc_offices.count() == 64
    assert Office.objects.filter(kind=OfficeKind.DIVISION).count() == 8
    for office in dc_offices:
        assert office.parent.kind == OfficeKind.DIVISION
        assert office.parent.division_id == office.district.division_id
        assert office.code == office.district.code
