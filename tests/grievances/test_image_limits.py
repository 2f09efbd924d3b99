"""Big pictures are judged from their header and decoded at a reduced scale."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grievances.attachments import clean_upload, decode_image


def _encoded(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 0).save(out, format=fmt)
    return out.getvalue()


def test_a_picture_over_24_megapixels_is_refused_before_decoding():
    content = _encoded((5000, 5000), "PNG", mode="1")  # 25 MP, a few kilobytes

    with pytest.raises(ValidationError) as refused:
        clean_upload(SimpleUploadedFile("huge.png", content, "image/png"))

    assert refused.value.code == "bad_image"


def test_a_picture_just_under_the_limit_is_accepted_and_scaled_down():
    content = _encoded((6000, 4000), "JPEG")  # 24 MP

    cleaned = clean_upload(SimpleUploadedFile("phone.jpg", content, "image/jpeg"))

    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert max(image.size) == 2000


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    content = _encoded((4400, 4000), "JPEG")

    with decode_image(content) as image:
        assert image.size == (2200, 2000)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_other_formats_are_decoded_at_full_size(fmt):
    content = _encoded((300, 200), fmt)

    with decode_image(content) as image:
        assert image.size == (300, 200)
