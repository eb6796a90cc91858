"""Generated malformed Open311 GeoReport v2 requests (hypothesis), GET and POST on /open311/v2/.

What is generated: query strings of the spec's parameters and stray ones, with values of the
wrong type, huge numbers, bad and reversed dates, NUL and other control characters, very long
text and bytes that are not UTF-8; unknown service codes and request ids; POSTs built from a
valid request with some fields broken (api_key missing, wrong or revoked; unknown service_code;
lat/long that are text, NaN, infinite, off the globe or missing one half; unknown address_id and
address_string; attribute[...] keys unknown, malformed or with wrong values; oversized
description; a bad multipart media file), sent form-encoded, as multipart, as JSON or XML
(which the spec does not accept), with a wrong content type or a body that is not UTF-8.

What must hold:
- never a server error (5xx);
- every 4xx of an Open311 endpoint (429 and 405 too) has the spec's error shape in the asked
  format: JSON, a list of {code, description}; XML,
  <errors><error><code/><description/></error></errors>; json when the format is unknown;
- a refused POST creates no event, and an accepted one creates exactly one.

Derandomized (fixed seed, no example database): CI sends the same requests every time.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.events.models import Event
from gridgov.open311.actions import do_issue_client_key, do_revoke_client_key
from tests.conftest import GRID_A
from tests.events.conftest import jpeg, point_in
from tests.fuzzing import deep_json

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_OPEN311_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
BASE = "/open311/v2/"

# --- Values ------------------------------------------------------------------------------

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(
        [
            "", " ", "\x00", "a\x00b", "\t\n", "'", '"', "<x>", "&amp;", "%", "%00", "%FF",
            "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "0x10", "1_000",
            "null", "None", "true", "[]", "{}", "Ω", "东栅街道", "🙂", "\ud7ff", "\ufeff",
            "٣", "１２", "²",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=1000, max_value=20_000).map(lambda n: "9" * n),
    st.integers(min_value=100, max_value=5000).map(lambda n: "长" * n),
)  # fmt: skip

dates = st.one_of(
    nasty_text,
    st.sampled_from(
        [
            "2026-11-28T09:30:00+08:00", "2026-11-28T09:30:00Z", "2026-11-28 09:30:00 08:00",
            "2026-11-28", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00",
            "2026-11-28T24:00:00Z", "2026-11-28T09:30:00+99:00", "2026-11-28T09:30:00.1234567Z",
            "yesterday", "1701388800", "-1",
        ]
    ),
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
)  # fmt: skip


def public_numbers() -> list[str]:
    """Numbers of requests the public may read (drawn inside the test, the database open)."""
    rows = Event.objects.filter(category__public_service__is_public=True).order_by("-reported_at")
    return list(rows.values_list("number", flat=True)[:20]) or ["SJ0"]


ids = st.one_of(
    st.sampled_from(["SJ0", "0201", "0101", "0701", "9999", "0", "-", "_", "01", "SJ"]),
    st.integers(0, 10_000).map(lambda i: (lambda v: v[i % len(v)])(public_numbers())),
    st.from_regex(r"\A[\w-]{1,300}\Z"),
)
# Mostly the two formats, so that the checks behind the format's are reached.
formats = st.sampled_from(["json", "xml"] * 8 + ["csv", "jsonp", "x", "html"])

PARAMETERS = [
    "service_request_id", "service_code", "start_date", "end_date", "status", "page",
    "page_size", "jurisdiction_id", "api_key", "lat", "long", "format", "attribute[when]",
]  # fmt: skip


def _param_value(name):
    if name in ("start_date", "end_date"):
        return dates
    if name == "status":
        return st.sampled_from(["open", "closed", "open,closed", "OPEN", ",", "pending"]) | (
            nasty_text
        )
    if name in ("page", "page_size"):
        return st.integers(min_value=-(10**20), max_value=10**20).map(str) | nasty_text
    if name == "jurisdiction_id":
        return st.sampled_from(["jiaxing.gridgov"] * 6 + ["elsewhere", ""]) | nasty_text
    if name in ("service_request_id", "service_code"):
        return st.lists(ids, max_size=4).map(",".join) | nasty_text
    return nasty_text


query_params = st.lists(
    st.one_of(
        st.sampled_from(PARAMETERS).flatmap(lambda n: st.tuples(st.just(n), _param_value(n))),
        st.tuples(nasty_text, nasty_text),
    ),
    max_size=8,
)

# --- Checks ------------------------------------------------------------------------------


def check_answer(response, fmt):
    """No 5xx; a 4xx in the spec's error shape, in the format asked for (json when that is
    not a format)."""
    status = response.status_code
    assert status < 500, (status, response.content[:500])
    if status < 400:
        return
    if fmt == "xml":
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors", response.content[:300]
        errors = root.findall("error")
        assert errors, response.content[:300]
        for error in errors:
            assert error.findtext("code") == str(status)
            assert (error.findtext("description") or "").strip()
    else:
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        body = json.loads(response.content)
        assert isinstance(body, list) and body, body
        for error in body:
            assert set(error) == {"code", "description"}, error
            assert error["code"] == status and isinstance(error["description"], str)
            assert error["description"].strip()


def encode_query(pairs, *, raw_bytes: bytes = b"") -> str:
    """A query string; `raw_bytes` are appended undecoded (not UTF-8, as a broken client sends)."""
    text = "&".join(f"{quote(k, safe='[]')}={quote(v, safe=',:+[]')}" for k, v in pairs)
    if raw_bytes:
        text += ("&" if text else "") + raw_bytes.decode("latin-1")
    return text


# --- GET ---------------------------------------------------------------------------------

# The searches (most parameters) more often than the rest.
GET_PATHS = st.one_of(
    st.sampled_from(["requests"] * 4 + ["servicerequestupdates"] * 2 + ["discovery", "services"]),
    st.tuples(st.sampled_from(["services/", "requests/", "tokens/"]), ids).map("".join),
)


@FUZZ
@given(
    path=GET_PATHS,
    fmt=formats,
    params=query_params,
    raw=st.none() | st.binary(min_size=1, max_size=20),
)
def test_malformed_gets_get_the_specs_errors(path, fmt, params, raw, fuzz_tally):
    query = encode_query(params, raw_bytes=raw or b"")
    response = Client(enforce_csrf_checks=True).get(f"{BASE}{path}.{fmt}", QUERY_STRING=query)
    endpoint = path.split("/")[0] + ("/{id}" if "/" in path else "")
    fuzz_tally.record(f"GET {endpoint}.{{fmt}}", response.status_code)
    if os.environ.get("GRIDGOV_FUZZ_VERBOSE"):
        print(
            "GET",
            path[:20],
            fmt,
            response.status_code,
            response.content[:150].decode(errors="replace"),
        )
    check_answer(response, fmt)


@settings(FUZZ, max_examples=EXAMPLES // 3)
@given(tail=st.text(max_size=40), fmt=st.text(max_size=8))
def test_paths_outside_the_endpoints_are_never_server_errors(tail, fmt, fuzz_tally):
    """Paths no Open311 route matches (a dot in an id, an upper-case format, a slash...): the
    site's own 404, never a crash."""
    response = Client(enforce_csrf_checks=True).get(BASE + quote(tail) + "." + quote(fmt))
    fuzz_tally.record("GET (any path)", response.status_code)
    assert response.status_code < 500


# --- POST --------------------------------------------------------------------------------


@pytest.fixture
def keys(settings):
    """A valid and a revoked api_key; the per-address limit raised so that the fuzz reaches
    the checks after it (the limits have their own tests in tests/open311)."""
    settings.GRIDGOV_OPEN311_IP_LIMIT = {"limit": 10**6, "seconds": 3600}
    _client, valid = do_issue_client_key("模糊测试", actor="test")
    revoked_client, revoked = do_issue_client_key("已吊销", actor="test")
    do_revoke_client_key(revoked_client, actor="test")
    lon, lat = point_in(GRID_A)
    return {"valid": valid, "revoked": revoked, "lon": lon, "lat": lat}


def valid_request(keys) -> dict:
    return {
        "api_key": keys["valid"], "service_code": "0201", "lat": str(keys["lat"]),
        "long": str(keys["lon"]), "description": "夜里施工，噪声很大", "attribute[when]": "night",
    }  # fmt: skip


FIELD_BREAKS = {
    "api_key": st.sampled_from(["", "o311_", "wrong", "REVOKED", "o311_" + "x" * 5000])
    | nasty_text,
    "service_code": st.sampled_from(["", "9999", "02", "01", "0201 ", "0101"]) | nasty_text,
    "lat": st.sampled_from(["", "91", "-90.0001", "nan", "inf", "1e400", "30,7", "north"])
    | nasty_text,
    "long": st.sampled_from(["", "181", "-inf", "NaN", "120.7.5"]) | nasty_text,
    "address_string": st.sampled_from(["火星基地一号", "化东社区", "嘉兴市", "南湖区东栅街道"])
    | nasty_text,
    "address_id": st.sampled_from(["999999", "330402013", GRID_A, "3304", ""]) | nasty_text,
    "description": nasty_text | st.integers(3990, 4010).map(lambda n: "长" * n),
    "attribute[when]": st.sampled_from(["", "day", "sometimes", "night,day"]) | nasty_text,
    "attribute[since]": dates,
    "attribute[source_kind]": st.lists(
        st.sampled_from(["construction", "shop", "fireworks", ""]) | nasty_text, max_size=4
    ),
    "attribute[stalls]": st.sampled_from(["3", "-1", "1e308", "1e309", "nan", "x"]) | nasty_text,
    "attribute[]": nasty_text,
    "attribute[": nasty_text,
    "attribute[[when]]": nasty_text,
    "attribute[when][x]": nasty_text,
    "attribute[unknown]": nasty_text,
    "email": nasty_text,
    "device_id": nasty_text,
    "account_id": nasty_text,
    "first_name": nasty_text,
    "last_name": nasty_text,
    "phone": st.sampled_from(["13812345678", "12345", "+86 138-1234-5678"]) | nasty_text,
    "media_url": nasty_text,
    "jurisdiction_id": st.sampled_from(["jiaxing.gridgov"] * 6 + ["elsewhere"]) | nasty_text,
}

# Some fields of a valid request broken (None: left out), and stray fields added.
breaks = st.lists(
    st.sampled_from(sorted(FIELD_BREAKS)) | nasty_text, unique=True, min_size=1, max_size=5
).flatmap(
    lambda names: st.fixed_dictionaries(
        {name: FIELD_BREAKS.get(name, nasty_text) | st.none() for name in names}
    )
)

# Mostly what the spec says (a form, or multipart with media), so that the checks are reached.
ENCODINGS = ["form"] * 4 + ["multipart"] * 4 + [
    "json", "xml", "text", "not-utf8", "no-content-type"
]  # fmt: skip

media = st.one_of(
    st.none(),
    st.just("jpeg"),
    st.binary(max_size=200),
    st.sampled_from([b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0" + b"\x00" * 50]),
)


def _body(fields: dict, encoding: str, photo):
    """(data, content_type) for Client.post."""
    if encoding == "multipart":
        data = {k: v for k, v in fields.items()}
        if photo is not None:
            from django.core.files.uploadedfile import SimpleUploadedFile

            data["media"] = (
                jpeg()
                if photo == "jpeg"
                else SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")
            )
        return data, None  # Client's default: multipart/form-data
    flat = [(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])]
    if encoding == "json":
        return json.dumps(dict(flat), ensure_ascii=False), "application/json"
    if encoding == "xml":
        items = "".join(f"<{k}>{v}</{k}>" for k, v in flat if k.isidentifier())
        return f"<?xml version='1.0'?><request>{items}</request>", "text/xml"
    form = "&".join(f"{quote(k, safe='[]')}={quote(v)}" for k, v in flat)
    if encoding == "text":
        return form, "text/plain"
    if encoding == "not-utf8":
        return form.encode() + b"&description=\xff\xfe\xc3\x28&x\xff=\xa0", (
            "application/x-www-form-urlencoded"
        )
    if encoding == "no-content-type":
        return form, ""
    return form, "application/x-www-form-urlencoded"


@FUZZ
@given(
    broken=breaks,
    encoding=st.sampled_from(ENCODINGS),
    fmt=formats,
    photo=media,
    query=query_params,
)
def test_malformed_posts_get_the_specs_errors_and_create_nothing(
    keys, broken, encoding, fmt, photo, query, fuzz_tally
):
    fields = valid_request(keys)
    for name, value in broken.items():
        if value is None:
            fields.pop(name, None)
        elif value == "REVOKED":
            fields[name] = keys["revoked"]
        else:
            fields[name] = value
    data, content_type = _body(fields, encoding, photo)
    before = Event.objects.count()
    kwargs = {"content_type": content_type} if content_type is not None else {}
    url = f"{BASE}requests.{fmt}"
    if query:
        url += "?" + encode_query(query)
    response = Client(enforce_csrf_checks=True).post(url, data, **kwargs)
    fuzz_tally.record("POST requests.{fmt}", response.status_code)
    if os.environ.get("GRIDGOV_FUZZ_VERBOSE"):
        print(
            "POST",
            encoding,
            fmt,
            response.status_code,
            response.content[:150].decode(errors="replace"),
        )
    check_answer(response, fmt)
    created = Event.objects.count() - before
    if response.status_code == 200:
        assert created == 1
        (answer,) = json.loads(response.content) if fmt == "json" else [None]
        if answer is not None:
            assert Event.objects.filter(number=answer["service_request_id"]).exists()
    else:
        assert created == 0, (response.status_code, response.content[:300])


@settings(FUZZ, max_examples=EXAMPLES // 3)
@given(path=GET_PATHS.filter(lambda p: p != "requests"), fmt=formats, body=st.binary(max_size=100))
def test_posts_to_read_only_endpoints_create_nothing(path, fmt, body, fuzz_tally):
    before = Event.objects.count()
    response = Client(enforce_csrf_checks=True).post(
        f"{BASE}{path}.{fmt}", body, content_type="application/json"
    )
    fuzz_tally.record("POST (read-only endpoints)", response.status_code)
    check_answer(response, fmt)
    assert Event.objects.count() == before


@settings(FUZZ, max_examples=EXAMPLES // 4)
@given(path=st.sampled_from(["requests", "servicerequestupdates", "services"]), fmt=formats,
       nesting=deep_json)  # fmt: skip
def test_deeply_nested_json_bodies_get_the_specs_errors_and_create_nothing(
    path, fmt, nesting, fuzz_tally
):
    _depth, body = nesting
    before = Event.objects.count()
    response = Client().post(f"{BASE}{path}.{fmt}", body, content_type="application/json")
    fuzz_tally.record("POST (nested JSON)", response.status_code)
    check_answer(response, fmt)
    assert 400 <= response.status_code < 500
    assert Event.objects.count() == before
