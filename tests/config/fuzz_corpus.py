"""Hostile input for test_fuzz_no_500.py: query strings, form values, raw bodies and JSON bodies
that a careless view would turn into a 500.

Every value here is sent to every URL pattern that could read it; none may give a 5xx.
"""

from __future__ import annotations

import json

MIB = 1024 * 1024

# Query parameter names the views read, beside the names of the fields of each page's forms.
QUERY_NAMES = (
    "page",
    "state",
    "state_name",
    "name",
    "type",
    "view",
    "direction",
    "event",
    "field",
    "after",
    "next",
    "action",
    "follow",
    "imported",
    "workspace",
    "state_machine",
    "status",
    "started_after",
    "started_before",
)

# Values for query parameters and form fields: out-of-range and malformed numbers, dates,
# choices and identifiers, control characters, markup, and long text.
VALUES = (
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1e400",
    "1.5",
    "NaN",
    "Infinity",
    "0x10",
    "２",  # a full-width digit: isdigit() says yes, int() says yes, the database may not
    "¹",  # a superscript one: isdigit() says yes, int() says no
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "\U0001f4a5" * 50,
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "../../../../etc/passwd",
    "%s%s%n%x",
    "{{ 7*7 }}{% debug %}",
    "$..[?(@.a)]",
    "$$.Task.Token",
    "0000-00-00",
    "9999-99-99T99:99",
    "99999-01-01T00:00",
    "2024-02-30T25:61",
    "-0001-01-01",
    "UNKNOWN",
    "problem",
    "TB\x00",
    "LR\nTB",
    "events",
    "execution_input",
    "a" * 10_000,
    # JSON text (for the JSON fields: input, output, mock configuration, durations, a definition)
    '{"a": "\\ud800"}',
    '"\\udfff"',
    '{"\\ud83d": 1, "b": "\\u0000"}',
    '{"StartAt": "\\ud800", "States": {"\\ud800": {"Type": "Pass", "End": true}}}',
    '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "\\ud800", "End": true}}}',
    '{"events": [{"id": 1, "type": "ExecutionStarted", "timestamp": "\\ud800"}]}',
    "[" * 5000 + "]" * 5000,
    '{"a": 1e400, "b": -0, "c": 123456789012345678901234567890}',
    "StartAt: A\nStates: {A: {Type: Pass, End: true}}\n*alias",
    "a: &x [*x, *x]\nb: &y [*x, *x]\nc: [*y, *y]",
)

# Values for one field at a time, in an otherwise untouched form: what gets past the form to the
# service (numbers, NUL, markup, templates, dates, huge text, and JSON the JSON fields take).
FIELD_VALUES = tuple(
    value
    for value in VALUES
    if value.startswith(("{", "[", '"', "StartAt", "a: &x"))
    or value in ("", "-1", "99999999999999999999", "1e400", "¹", "\x00", "a\x00b", "0000-00-00")
    or value.startswith(("<script", "{{", "a" * 100))
)

# Raw query strings: duplicate keys, arrays, broken percent-encoding, invalid UTF-8 once decoded.
RAW_QUERIES = (
    "page=-1&page=99999999999999999999",
    "page=0&view=table",
    "page=99999999999999999999&view=events",
    "view=events&type=&state_name=&page=-1",
    "view=events&event=99999999999999999999",
    "event=-5",
    "after=-1",
    "after=99999999999999999999999",
    "after=1e400",
    "after=%EF%BC%92",  # a full-width 2
    "state=a&state=b&name=c&name=d",
    "state[]=a&state[]=b",
    "state=%00&name=%00",
    "view=events&type=%00&state_name=%00&after=0",
    "state=%FF%FE&name=%C3%28&type=%ED%A0%80",
    "field=execution_input&state=%00",
    "field=output&state=nope",
    "direction=%FF",
    "%",
    "%%",
    "%zz=%zz",
    "&&&==&",
    "a=b=c",
    "=x",
    "started_after=9999-12-31T23:59&started_before=0001-01-01T00:00",
    "started_after=%00",
    "status=problem&status=UNKNOWN&state_machine=%00&workspace=%00",
    "next=//evil.example/&next=javascript:alert(1)",
    "imported=1&follow=1",
    "page=" + "9" * 5000,
)

# Form values beyond VALUES: several values for one field, and very large ones.
HUGE_TEXT = "x" * (10 * MIB)  # a 10 MiB paste
MULTI = ["a", "b", "\x00"]

# Raw bodies, each with the content type it is sent as.
BOMB = "[" * 100_000
RAW_BODIES: tuple[tuple[bytes, str], ...] = (
    (b"", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\xfa=\xff&name=\xc3\x28&text=\xed\xa0\x80", "application/x-www-form-urlencoded"),
    (b"%ff=%fe&%zz&&==", "application/x-www-form-urlencoded"),
    (b"name=a&name=b&text=1&text=2&text=3", "application/x-www-form-urlencoded"),
    (BOMB.encode(), "application/json"),
    (b"{", "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b"<x/>", "application/xml"),
    (b"just text", "text/plain"),
    (b"\x00" * 1024, "application/octet-stream"),
    (b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nv\r\n', "multipart/form-data"),
    (b"garbage without boundaries", "multipart/form-data; boundary=b"),
    (
        b"--b\r\nContent-Disposition: form-data\r\n\r\n\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="\xff\xfe.json"\r\n'
        b"Content-Type: application/json\r\n\r\n\xff\xfe\x00junk\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    (b"a=" + b"x" * (5 * MIB), "application/x-www-form-urlencoded"),
)

# Files for every file field: binary junk, text that is not UTF-8, UTF-16, an empty file, a
# JSON bomb, and JSON that is not what the field wants.
FILES: tuple[tuple[str, bytes], ...] = (
    ("junk.bin", bytes(range(256)) * 64),
    ("latin1.json", '{"Comment": "caf\xe9"}'.encode("latin-1")),
    ("utf16.json", '{"StartAt": "A"}'.encode("utf-16")),
    ("empty.json", b""),
    ("bomb.json", BOMB.encode()),
    ("list.json", b"[1, 2, 3]"),
    ("nul\x00name.json", b"{}"),
    ("../../etc/passwd", b"root:x:0:0"),
)


# JSON bodies for the endpoints that take JSON (the callback actions and stop).
JSON_BODIES: tuple[bytes, ...] = (
    b"",
    b"null",
    b"[]",
    b"1",
    b'"text"',
    b"{",
    BOMB.encode(),
    ("{" + '"a":' * 50_000 + "1" + "}" * 50_000).encode(),
    b"\xef\xbb\xbf{}",  # a byte order mark
    '{"taskToken": "x"}'.encode("utf-16"),
    b"\xff\xfe\xfd",
    b'{"taskToken": 1, "output": 2}',
    b'{"taskToken": ["a"], "error": {"x": 1}}',
    b'{"taskToken": null, "cause": null}',
    b'{"taskToken": "a", "taskToken": "b"}',
    b'{"taskToken": "\\u0000", "output": "\\u0000"}',
    b'{"taskToken": "\\ud800", "output": "\\udfff"}',
    b'{"taskToken": "x", "output": NaN}',
    b'{"taskToken": "x", "output": 1e400}',
    b'{"taskToken": "x", "output": -Infinity}',
    b'{"taskToken": "x", "output": ' + b'{"a":[' * 3000 + b"1" + b"]}" * 3000 + b"}",
    json.dumps({"taskToken": "x", "output": "y" * 300_000}).encode(),
    json.dumps(
        {"taskToken": "x" * 100_000, "error": "e" * 100_000, "cause": "c" * 100_000}
    ).encode(),
    json.dumps({"taskToken": "x", "unknown": "field", "error": "", "cause": ""}).encode(),
)
