"""One value, two formats: the specification's element names, escaping, nothing XML can't hold."""

import json
from xml.etree import ElementTree as ET  # our own output, not untrusted input

from open311.formats import render_json, render_xml


def parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314  # parsing what we rendered ourselves


def test_lists_are_plain_json_arrays_and_named_elements_in_xml():
    value = [{"code": 400, "description": "one"}, {"code": 400, "description": "two"}]

    as_json = json.loads(render_json(value))
    root = parse(render_xml("errors", value))

    assert as_json == value
    assert root.tag == "errors"
    assert [e.tag for e in root] == ["error", "error"]
    assert [e.findtext("description") for e in root] == ["one", "two"]


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped():
    body = render_xml("errors", [{"code": 400, "description": "a<b>&c\x0bd\x00"}])

    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert parse(body).findtext("error/description") == "a<b>&cd"


def test_booleans_and_nothing():
    root = parse(render_xml("service_definition", {"flag": True, "none": None}))

    assert root.findtext("flag") == "true"
    assert root.find("none").text is None
    assert json.loads(render_json({"flag": False, "none": None})) == {"flag": False, "none": None}
