"""GeoReport v2 responses as the specification describes them (wiki.open311.org/GeoReport_v2):
a JSON Schema and an XML Schema per kind of response, used to check every response we serve.

Fields the specification lists as optional may be absent; when present and empty they are
JSON null or an empty XML element. Element order follows the specification's examples.
"""

import jsonschema
import xmlschema

_STR = {"type": ["string", "null"]}
_NUM = {"type": ["number", "null"]}
_DATETIME = {
    "type": ["string", "null"],
    # ISO 8601 with an offset or Z: the specification's "common subset" (W3C note).
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}


def _obj(required: dict, optional: dict | None = None) -> dict:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
        "additionalProperties": False,
    }


def _array_of(item: dict, min_items: int = 0) -> dict:
    return {"type": "array", "items": item, "minItems": min_items}


JSON_SCHEMAS = {
    "discovery": _obj(
        {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": _array_of(
                _obj(
                    {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"enum": ["production", "test"]},
                        "formats": _array_of(
                            {"enum": ["text/xml", "application/json"]}, min_items=1
                        ),
                    }
                ),
                min_items=1,
            ),
        }
    ),
    "services": _array_of(
        _obj(
            {
                "service_code": {"type": "string"},
                "service_name": {"type": "string"},
                "metadata": {"type": "boolean"},
                "type": {"enum": ["realtime", "batch", "blackbox"]},
            },
            {"description": _STR, "keywords": _STR, "group": _STR},
        )
    ),
    "service_definition": _obj(
        {
            "service_code": {"type": "string"},
            "attributes": _array_of(
                _obj(
                    {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {
                            "enum": [
                                "string",
                                "number",
                                "datetime",
                                "text",
                                "singlevaluelist",
                                "multivaluelist",
                            ]
                        },
                        "required": {"type": "boolean"},
                        "order": {"type": "integer"},
                        "description": {"type": "string"},
                    },
                    {
                        "datatype_description": _STR,
                        "values": _array_of(
                            _obj({"key": {"type": "string"}, "name": {"type": "string"}})
                        ),
                    },
                )
            ),
        }
    ),
    "requests": _array_of(
        _obj(
            {
                "service_request_id": {"type": "string"},
                "status": {"enum": ["open", "closed"]},
                "requested_datetime": _DATETIME,
            },
            {
                "status_notes": _STR,
                "service_name": _STR,
                "service_code": _STR,
                "description": _STR,
                "agency_responsible": _STR,
                "service_notice": _STR,
                "updated_datetime": _DATETIME,
                "expected_datetime": _DATETIME,
                "address": _STR,
                "address_id": _STR,
                "zipcode": _STR,
                "lat": _NUM,
                "long": _NUM,
                "media_url": _STR,
            },
        )
    ),
    # POST requests: the id, or a token when the id cannot be given at once.
    "post_response": _array_of(
        {
            **_obj(
                {},
                {
                    "service_request_id": _STR,
                    "token": _STR,
                    "service_notice": _STR,
                    "account_id": _STR,
                },
            ),
            "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        },
        min_items=1,
    ),
    "token": _array_of(
        _obj({"service_request_id": _STR, "token": {"type": "string"}}), min_items=1
    ),
    "errors": _array_of(
        _obj({"code": {"type": "integer"}, "description": {"type": "string"}}), min_items=1
    ),
}

_XSD_TYPES = """
  <xs:simpleType name="emptyString"><xs:restriction base="xs:string"><xs:length value="0"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="optDateTime"><xs:union memberTypes="xs:dateTime emptyString"/></xs:simpleType>
  <xs:simpleType name="optDecimal"><xs:union memberTypes="xs:decimal emptyString"/></xs:simpleType>
  <xs:simpleType name="status"><xs:restriction base="xs:string">
    <xs:enumeration value="open"/><xs:enumeration value="closed"/></xs:restriction></xs:simpleType>
"""


def _xsd(body: str) -> str:
    return f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{_XSD_TYPES}{body}</xs:schema>'


XML_SCHEMAS = {
    "discovery": _xsd("""
  <xs:element name="discovery"><xs:complexType><xs:sequence>
    <xs:element name="changeset" type="xs:string"/>
    <xs:element name="contact" type="xs:string"/>
    <xs:element name="key_service" type="xs:string"/>
    <xs:element name="endpoints"><xs:complexType><xs:sequence>
      <xs:element name="endpoint" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="specification" type="xs:string"/>
        <xs:element name="url" type="xs:string"/>
        <xs:element name="changeset" type="xs:string"/>
        <xs:element name="type" type="xs:string"/>
        <xs:element name="formats"><xs:complexType><xs:sequence>
          <xs:element name="format" type="xs:string" maxOccurs="unbounded"/>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "services": _xsd("""
  <xs:element name="services"><xs:complexType><xs:sequence>
    <xs:element name="service" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="service_code" type="xs:string"/>
      <xs:element name="service_name" type="xs:string"/>
      <xs:element name="description" type="xs:string" minOccurs="0"/>
      <xs:element name="metadata" type="xs:boolean"/>
      <xs:element name="type"><xs:simpleType><xs:restriction base="xs:string">
        <xs:enumeration value="realtime"/><xs:enumeration value="batch"/>
        <xs:enumeration value="blackbox"/></xs:restriction></xs:simpleType></xs:element>
      <xs:element name="keywords" type="xs:string" minOccurs="0"/>
      <xs:element name="group" type="xs:string" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "service_definition": _xsd("""
  <xs:element name="service_definition"><xs:complexType><xs:sequence>
    <xs:element name="service_code" type="xs:string"/>
    <xs:element name="attributes"><xs:complexType><xs:sequence>
      <xs:element name="attribute" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="variable" type="xs:boolean"/>
        <xs:element name="code" type="xs:string"/>
        <xs:element name="datatype" type="xs:string"/>
        <xs:element name="required" type="xs:boolean"/>
        <xs:element name="datatype_description" type="xs:string" minOccurs="0"/>
        <xs:element name="order" type="xs:integer"/>
        <xs:element name="description" type="xs:string"/>
        <xs:element name="values" minOccurs="0"><xs:complexType><xs:sequence>
          <xs:element name="value" maxOccurs="unbounded"><xs:complexType><xs:sequence>
            <xs:element name="key" type="xs:string"/><xs:element name="name" type="xs:string"/>
          </xs:sequence></xs:complexType></xs:element>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "requests": _xsd("""
  <xs:element name="service_requests"><xs:complexType><xs:sequence>
    <xs:element name="request" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="service_request_id" type="xs:string"/>
      <xs:element name="status" type="status"/>
      <xs:element name="status_notes" type="xs:string" minOccurs="0"/>
      <xs:element name="service_name" type="xs:string" minOccurs="0"/>
      <xs:element name="service_code" type="xs:string" minOccurs="0"/>
      <xs:element name="description" type="xs:string" minOccurs="0"/>
      <xs:element name="agency_responsible" type="xs:string" minOccurs="0"/>
      <xs:element name="service_notice" type="xs:string" minOccurs="0"/>
      <xs:element name="requested_datetime" type="xs:dateTime"/>
      <xs:element name="updated_datetime" type="optDateTime" minOccurs="0"/>
      <xs:element name="expected_datetime" type="optDateTime" minOccurs="0"/>
      <xs:element name="address" type="xs:string" minOccurs="0"/>
      <xs:element name="address_id" type="xs:string" minOccurs="0"/>
      <xs:element name="zipcode" type="xs:string" minOccurs="0"/>
      <xs:element name="lat" type="optDecimal" minOccurs="0"/>
      <xs:element name="long" type="optDecimal" minOccurs="0"/>
      <xs:element name="media_url" type="xs:string" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "post_response": _xsd("""
  <xs:element name="service_requests"><xs:complexType><xs:sequence>
    <xs:element name="request" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:choice>
        <xs:sequence>
          <xs:element name="service_request_id" type="xs:string"/>
          <xs:element name="token" type="xs:string" minOccurs="0"/>
        </xs:sequence>
        <xs:element name="token" type="xs:string"/>
      </xs:choice>
      <xs:element name="service_notice" type="xs:string" minOccurs="0"/>
      <xs:element name="account_id" type="xs:string" minOccurs="0"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "token": _xsd("""
  <xs:element name="service_requests"><xs:complexType><xs:sequence>
    <xs:element name="request" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="service_request_id" type="xs:string"/>
      <xs:element name="token" type="xs:string"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
    "errors": _xsd("""
  <xs:element name="errors"><xs:complexType><xs:sequence>
    <xs:element name="error" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="code" type="xs:integer"/>
      <xs:element name="description" type="xs:string"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>"""),
}

_XML_COMPILED: dict[str, xmlschema.XMLSchema] = {}


def assert_valid(response, kind: str) -> None:
    """The response is GeoReport v2 `kind`, in the format its Content-Type names, UTF-8."""
    content_type = response["Content-Type"]
    if content_type.startswith("application/json"):
        assert content_type == "application/json; charset=utf-8"
        jsonschema.validate(response.json(), JSON_SCHEMAS[kind])
        return
    assert content_type == "text/xml; charset=utf-8"
    body = response.content
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    if kind not in _XML_COMPILED:
        _XML_COMPILED[kind] = xmlschema.XMLSchema(XML_SCHEMAS[kind])
    _XML_COMPILED[kind].validate(body.decode("utf-8"))
