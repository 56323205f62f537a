"""Hostile state names: they render as text, never break DOT, never become markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import StateMachine
from stepscope.graph import machine_to_dot, render_svg
from stepscope.graph.labels import shorten
from stepscope.graph.text import xml_safe

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {"svg", "g", "title", "path", "polygon", "ellipse", "polyline", "text", "a"}

HOSTILE = [
    'Say "hello"',
    "back\\slash \\N \\G \\L \\n",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "Tom & Jerry &amp; &lt;",
    "two\nlines",
    "{record|syntax} <port>",
    "naïve — 注文 🚀 ünïcödé",
    "x" * 80,
    "]; evil -> node [label=pwned",
    "' onmouseover='alert(1)",
    "\\",
    "trailing backslash\\",
    "-- comment /* c */ // c",
]


def chain(names: list[str]) -> StateMachine:
    states: dict[str, object] = {}
    for index, name in enumerate(names):
        following = names[index + 1] if index + 1 < len(names) else None
        state: dict[str, object] = {"Type": "Pass"}
        if following is None:
            state["End"] = True
        else:
            state["Next"] = following
        states[name] = state
    return build_state_machine({"StartAt": names[0], "States": states})


def check_rendering(names: list[str]) -> None:
    svg = render_svg(chain(names))
    root = ET.fromstring(svg)
    for element in root.iter():
        tag = element.tag.removeprefix(SVG).split("}")[-1]
        assert tag in ALLOWED_TAGS, tag
        for attribute in element.attrib:
            assert not attribute.lower().startswith("on"), attribute
    groups = {
        g.get("data-state"): g
        for g in root.iter(f"{SVG}g")
        if "state" in g.get("class", "").split()
    }
    assert set(groups) == {xml_safe(name) for name in names}
    for name in names:
        group = groups[xml_safe(name)]
        bold = "".join(
            t.text or "" for t in group.iter(f"{SVG}text") if t.get("font-weight") == "bold"
        )
        assert "".join(bold.split()) == "".join(xml_safe(name).split())


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_name_renders_as_text(name: str) -> None:
    check_rendering([name, "After"])


def test_all_hostile_names_together() -> None:
    check_rendering(HOSTILE)


def test_names_never_appear_as_dot_identifiers() -> None:
    dot = machine_to_dot(chain(HOSTILE))
    assert "<script>" not in dot and "&lt;script&gt;" in dot
    for line in dot.splitlines():
        if "->" in line:
            assert line.strip().startswith('"state-') or line.strip().startswith('"start')


def test_control_characters_are_replaced_not_passed_through() -> None:
    name = "bell\x07 null\x00 esc\x1b"
    svg = render_svg(chain([name]))
    assert "\x07" not in svg and "\x00" not in svg
    root = ET.fromstring(svg)
    states = [g.get("data-state") for g in root.iter(f"{SVG}g") if g.get("data-state")]
    assert states == ["bell\ufffd null\ufffd esc\ufffd"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(min_size=1, max_size=80),
        min_size=1,
        max_size=12,
        unique_by=lambda name: name,
    )
)
def test_arbitrary_names_render_exactly(names: list[str]) -> None:
    check_rendering(names)


SPECIAL = st.text(
    alphabet=st.sampled_from(list("\\\"'<>&[]{}|\n\r\t %;#-=.$*/Nn") + ["é", "注", "🚀", "\x07"]),
    min_size=1,
    max_size=80,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(SPECIAL, min_size=1, max_size=8, unique_by=lambda name: name))
def test_names_made_of_special_characters_render_exactly(names: list[str]) -> None:
    check_rendering(names)


def rendered_tooltips_and_edge_labels(text: str) -> tuple[list[str], list[str]]:
    machine = build_state_machine(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Comment": text,
                    "Choices": [{"Condition": "{% " + text + " %}", "Next": "D"}],
                    "Default": "D",
                },
                "D": {"Type": "Succeed"},
            },
        }
    )
    root = ET.fromstring(render_svg(machine))
    titles = [title.text or "" for title in root.iter(f"{SVG}title")]
    labels = [
        "".join(t.text or "" for t in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-edge-kind") == "choice"
    ]
    return titles, labels


@settings(max_examples=40, deadline=None)
@given(SPECIAL)
def test_comments_and_rule_text_round_trip_into_tooltips_and_labels(text: str) -> None:
    titles, labels = rendered_tooltips_and_edge_labels(text)
    # XML parsers (and browsers) read a carriage return in text as a line feed.
    assert "C\n" + xml_safe(text).replace("\r\n", "\n").replace("\r", "\n") in titles
    assert len(labels) == 1
    condition = shorten(" ".join(xml_safe(text).split()) or "(empty)")
    assert "".join(labels[0].split()) == "".join(condition.split())
