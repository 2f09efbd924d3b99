"""GeoReport v2's two formats: XML (the required one) and JSON, from one Python value.

A response is a root element name and a value: a list (JSON: a plain array; XML: the root
holding one child element per item, named as the specification names it) or a dict (an object;
the root's children). Booleans are `true`/`false`, None an empty element (JSON null).
"""

import json
import re
from typing import Any
from xml.etree import ElementTree as ET  # building XML, never parsing it

from django.http import HttpResponse

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
SPEC_FORMATS = ["text/xml", "application/json"]  # as discovery lists them

# The element name of each item of a list, by the list's element name (the specification's).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def render_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    # The declaration as the specification writes it (ElementTree's own uses single quotes).
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8")


def render_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    body = render_xml(root, value) if fmt == XML else render_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error list: one {code, description} per problem, the HTTP status
    as each code."""
    items = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", items, status=status)
