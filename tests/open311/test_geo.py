"""The district of a point: point in polygon on the package's 64 district outlines."""

import pytest

from open311.geo import _in_ring, district_name_at, district_outlines


@pytest.mark.parametrize(
    ("lat", "lon", "district"),
    [
        (23.8103, 90.4125, "Dhaka"),  # Dhaka, Motijheel
        (22.3569, 91.7832, "Chattogram"),  # Chattogram city
        (24.8949, 91.8687, "Sylhet"),  # Sylhet city
        (24.3745, 88.6042, "Rajshahi"),
        (22.8456, 89.5403, "Khulna"),
        (21.4272, 92.0058, "Coxsbazar"),  # the outline's "Cox's Bazar", our record's name
        (23.9999, 90.4203, "Gazipur"),  # just north of Dhaka district
    ],
)
def test_a_known_place_is_in_its_district(lat, lon, district):
    assert district_name_at(lat=lat, lon=lon) == district


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(20.5, 90.0), (22.5726, 88.3639), (0.0, 0.0)],  # the Bay of Bengal, Kolkata, nowhere
)
def test_a_point_outside_bangladesh_is_in_no_district(lat, lon):
    assert district_name_at(lat=lat, lon=lon) is None


def test_every_one_of_the_64_districts_has_an_outline_named_as_our_records(db):
    from offices.models import District

    names = {outline.name_en for outline in district_outlines()}

    assert len(names) == 64
    assert names == set(District.objects.values_list("name_en", flat=True))


def test_ray_casting_counts_crossings_so_a_hole_is_outside():
    square = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    hole = ((4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0))

    assert _in_ring(2.0, 2.0, square)
    assert _in_ring(5.0, 5.0, hole)
    assert not _in_ring(11.0, 5.0, square)
