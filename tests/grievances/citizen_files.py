"""Files citizens upload, good and bad, made in memory for the citizens' page tests."""

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grievances.models import Category

GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg_with_exif(name: str = "photo.jpg", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    """A phone photo: camera make and a GPS position in its EXIF."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[MAKE] = "SecretPhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (23.0, 48.0, 0.0), 3: "E", 4: (90.0, 24.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name: str = "scan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf_bytes(*objects: bytes) -> bytes:
    """A well-formed PDF whose object n is objects[n - 1], with a classic xref table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def real_pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    content = pdf_bytes(
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"
    )
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def executable_named_jpg() -> SimpleUploadedFile:
    # A Windows executable's header, uploaded as "photo.jpg" with an image content type.
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    return SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")


def text_named_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "letter.pdf", b"This is just text pretending to be a PDF.", content_type="application/pdf"
    )


def oversized_jpeg(limit: int) -> SimpleUploadedFile:
    content = b"\xff\xd8\xff\xe0" + b"\x00" * limit
    return SimpleUploadedFile("big.jpg", content, content_type="image/jpeg")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def valid_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "district": "dhaka",
        "upazila": "",
        "category": Category.objects.filter(is_active=True).first().pk,
        "description": "আমাদের গ্রামের রাস্তা তিন মাস ধরে ভাঙা, বর্ষায় চলাচল বন্ধ।",
        "citizen_name": "",
        "citizen_phone": "",
        "citizen_email": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def private_link(html: str) -> str:
    match = re.search(r'id="private-link" href="([^"]+)"', html)
    assert match, "the success page shows the private link"
    return match.group(1).replace("&amp;", "&")
