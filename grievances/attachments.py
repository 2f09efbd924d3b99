"""Citizens' files: checked by what they contain, never by their name.

Images (JPEG, PNG, WebP, GIF) are decoded and re-encoded from their pixels, which drops EXIF
(GPS position, phone model) and anything hidden after the image data; they are also scaled down
for slow connections. PDFs are parsed (pypdf) and every object in them is read: a PDF that
cannot be parsed, or that carries anything a viewer might run or follow on its own (scripts,
automatic actions, links, form submission, XFA, embedded files or media), is refused.
Everything else is refused.
"""

import hashlib
import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import Configuration, PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from core.digits import to_bangla_digits

MAX_FILES = 3
# The most a grievance can collect over its life (filing plus "add information").
MAX_FILES_PER_GRIEVANCE = 12
_MAX_BYTES_DEFAULT = 5 * 1024 * 1024
# Checked from the header, before any pixel is decoded: a 40-megapixel photo cost ~9 s of CPU
# and ~370 MB. 24 MP is a 6000 x 4000 phone photo.
_MAX_PIXELS = 24_000_000
_MAX_SIDE = 2000  # phones send 4000 px photos; 2000 px is plenty to read a document

# Dictionary keys that make a PDF do something by itself: scripts, actions run on opening or on
# an event, forms that send data, XFA forms, embedded files and media. Names are compared after
# parsing, so `/J#61vaScript` is `/JavaScript` here, and objects inside compressed object
# streams are read like any other.
_PDF_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/OpenAction",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/XFA",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/RichMedia",
        "/RichMediaContent",
    }
)
# Action types (`/S`) and annotation types (`/Subtype`) that run, send, open or play something.
_PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/RichMedia",
        "/RichMediaExecute",
        "/FileAttachment",
        "/Screen",
        "/3D",
        "/EmbeddedFile",
    }
)
# Bounds, so a crafted file cannot keep the check busy or fill memory: objects read, and bytes
# any one stream may decompress to (object streams of real documents are well under 1 MB;
# pypdf's own defaults are 75 MB).
_PDF_MAX_OBJECTS = 200_000
_PDF_MAX_STREAM_BYTES = 10_000_000
_PDF_LIMITS = Configuration(
    zlib_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    lzw_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    run_length_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    brotli_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    array_based_stream_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    maximum_declared_stream_length=_PDF_MAX_STREAM_BYTES,
    stream_decoding_work_maximum_length=4 * _PDF_MAX_STREAM_BYTES,
)


def _local(number: int) -> str:
    """A number in the active language's digits, for the messages below."""
    text = str(number)
    return to_bangla_digits(text) if (get_language() or "bn").startswith("bn") else text


def max_attachment_bytes() -> int:
    return int(getattr(settings, "GRIEVANCE_ATTACHMENT_MAX_BYTES", _MAX_BYTES_DEFAULT))


def attachment_storage() -> FileSystemStorage:
    """Outside every served path: no URL maps here, and nothing here is ever executed."""
    return FileSystemStorage(
        location=Path(settings.MEDIA_ROOT) / "attachments",
        base_url=None,
        file_permissions_mode=0o640,
        directory_permissions_mode=0o750,
    )


@dataclass(frozen=True)
class CleanFile:
    """An upload that passed the checks, re-encoded and ready to store."""

    content: bytes
    content_type: str
    extension: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def storage_name(self) -> str:
        # A random name with the extension *we* chose: the citizen's name never reaches disk.
        return f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{self.extension}"


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one upload by its content and return a safe copy, or raise ValidationError."""
    name = safe_display_name(upload.name or "")
    if upload.size is not None and upload.size > max_attachment_bytes():
        raise ValidationError(
            _("“%(name)s” is too large. Each file may be at most %(mb)s MB."),
            code="too_large",
            params={"name": name, "mb": _local(max_attachment_bytes() // (1024 * 1024))},
        )
    data = upload.read(max_attachment_bytes() + 1)
    if len(data) > max_attachment_bytes():
        raise ValidationError(
            _("“%(name)s” is too large. Each file may be at most %(mb)s MB."),
            code="too_large",
            params={"name": name, "mb": _local(max_attachment_bytes() // (1024 * 1024))},
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})

    if data.startswith(b"%PDF-"):
        return _clean_pdf(data, name)
    if _looks_like_image(data):
        return _clean_image(data, name)
    raise ValidationError(
        _("“%(name)s” is not a photo (JPEG, PNG) or a PDF document."),
        code="bad_type",
        params={"name": name},
    )


def _looks_like_image(data: bytes) -> bool:
    return (
        data.startswith(b"\xff\xd8\xff")  # JPEG
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or data.startswith((b"GIF87a", b"GIF89a"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _clean_image(data: bytes, name: str) -> CleanFile:
    unreadable = ValidationError(
        _("“%(name)s” could not be read as a picture."), code="bad_image", params={"name": name}
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise unreadable
            probe.verify()  # structure and checksums; the image must be reopened afterwards
        with decode_image(data) as image:
            upright = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
            upright.thumbnail((_MAX_SIDE, _MAX_SIDE))
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
                upright.mode == "P" and "transparency" in upright.info
            )
            # A new image from the pixels alone: no EXIF, XMP, ICC or comments survive.
            pixels = upright.convert("RGBA" if has_alpha else "RGB")
            clean = Image.new(pixels.mode, pixels.size)
            clean.paste(pixels)
            out = io.BytesIO()
            if has_alpha:
                clean.save(out, format="PNG", optimize=True)
                content_type, extension = "image/png", "png"
            else:
                clean.save(out, format="JPEG", quality=82, optimize=True)
                content_type, extension = "image/jpeg", "jpg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    return CleanFile(out.getvalue(), content_type, extension, _with_extension(name, extension))


def decode_image(data: bytes) -> Image.Image:
    """The decoded image; a JPEG at the smallest scale (1/2, 1/4, 1/8) still at least
    _MAX_SIDE on each side, which costs a fraction of the full decode's time and memory."""
    image = Image.open(io.BytesIO(data))
    if image.format == "JPEG":
        image.draft("RGB", (_MAX_SIDE, _MAX_SIDE))
    image.load()
    return image


def _clean_pdf(data: bytes, name: str) -> CleanFile:
    try:
        active = pdf_has_active_content(data)
    except Exception:  # any parser failure means "not a PDF we can vouch for"
        raise ValidationError(
            _("“%(name)s” is not a valid PDF document."), code="bad_pdf", params={"name": name}
        ) from None
    if active:
        raise ValidationError(
            _(
                "“%(name)s” contains scripts, links, forms or embedded files, which we cannot"
                " accept. Print it to a new PDF or send a photo of it."
            ),
            code="active_pdf",
            params={"name": name},
        )
    return CleanFile(data, "application/pdf", "pdf", _with_extension(name, "pdf"))


def pdf_has_active_content(data: bytes) -> bool:
    """True if any object of the PDF can run, send, open or play something.

    Raises if the file cannot be parsed or is encrypted with a password: neither can be
    checked. Every object is read, whether reachable from the catalog or not, so nothing hides
    in an unreferenced object, an earlier revision's leftovers or an object stream.
    """
    if b"%%EOF" not in data[-2048:]:
        raise ValueError("truncated PDF")
    with apply_configuration(_PDF_LIMITS):
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted PDF")
        roots: list[PdfObject] = [reader.trailer]
        for generation, objects in reader.xref.items():
            roots.extend(IndirectObject(idnum, generation, reader) for idnum in objects)
        roots.extend(IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm)
        if not isinstance(reader.trailer.get("/Root", None), IndirectObject | DictionaryObject):
            raise ValueError("PDF without a catalog")
        return _pdf_walk_finds_active(roots)


def _pdf_walk_finds_active(roots: list[PdfObject]) -> bool:
    """Depth-first over dictionaries and arrays, following references once each."""
    stack: list[PdfObject | None] = list(roots)
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        visited += 1
        if visited > _PDF_MAX_OBJECTS:
            raise ValueError("too many objects in PDF")
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if str(key) in _PDF_ACTIVE_KEYS or _is_active_type(key, value):
                    return True
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _is_active_type(key: object, value: object) -> bool:
    """An action (`/S`), annotation (`/Subtype`) or object (`/Type`) of an active kind."""
    return (
        key in ("/S", "/Subtype", "/Type")
        and isinstance(value, NameObject)
        and str(value) in _PDF_ACTIVE_NAMES
    )


def safe_display_name(name: str) -> str:
    """A file name that is safe in a Content-Disposition header and on any page."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = re.sub(r"[^\w.\- \u0980-\u09ff]", "_", name).strip(" .")[:100]
    return name or "file"


def _with_extension(name: str, extension: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem[:90] or 'file'}.{extension}"
