"""State names and Map labels."""

from __future__ import annotations

from tests.stepscope.asl.validation.helpers import (
    assert_fails_at,
    assert_ok,
    error_codes,
    machine,
    single,
)

PASS_END = {"Type": "Pass", "End": True}


def test_state_names_up_to_80_characters_with_any_printable_text() -> None:
    assert_ok(machine({"A" * 80: PASS_END}))
    assert_ok(machine({'Approve or "Deny"? <&> é 名前': PASS_END}))


def test_state_name_too_long_or_with_control_characters() -> None:
    assert_fails_at(machine({"A" * 81: PASS_END}), "/States/" + "A" * 81, "INVALID_STATE_NAME")
    assert_fails_at(machine({"a\nb": PASS_END}), "/States/a\nb", "INVALID_STATE_NAME")
    assert_fails_at(machine({"": PASS_END}), "/States/", "INVALID_STATE_NAME")


def _parallel(*branches: dict[str, object]) -> dict[str, object]:
    return {"Type": "Parallel", "Branches": list(branches), "End": True}


def test_duplicate_state_names_across_branches() -> None:
    branch = {"StartAt": "Same", "States": {"Same": PASS_END}}
    definition = single(_parallel(branch, branch))
    assert_fails_at(definition, "/States/S/Branches/1/States/Same", "DUPLICATE_STATE_NAME")


def test_duplicate_state_name_between_top_level_and_map_processor() -> None:
    processor = {"StartAt": "S", "States": {"S": PASS_END}}
    definition = single({"Type": "Map", "ItemProcessor": processor, "End": True})
    assert error_codes(definition) == {"DUPLICATE_STATE_NAME"}


def _distributed_map(label: object) -> dict[str, object]:
    return {
        "Type": "Map",
        "Label": label,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": f"Work{label}",
            "States": {f"Work{label}": PASS_END},
        },
        "End": True,
    }


def test_labels() -> None:
    assert_ok(single(_distributed_map("rows-2024_a")))
    assert_fails_at(single(_distributed_map("csv rows")), "/States/S/Label", "INVALID_LABEL_NAME")
    assert_fails_at(single(_distributed_map("a/b")), "/States/S/Label", "INVALID_LABEL_NAME")
    assert_fails_at(single(_distributed_map("x" * 41)), "/States/S/Label", "INVALID_LABEL_NAME")


def test_duplicate_labels() -> None:
    first, second = _distributed_map("rows"), _distributed_map("rows")
    second["ItemProcessor"]["StartAt"] = "Other"  # type: ignore[index]
    second["ItemProcessor"]["States"] = {"Other": PASS_END}  # type: ignore[index]
    first["End"], first["Next"] = False, "M2"
    del first["End"]
    definition = machine({"M1": first, "M2": second})
    assert_fails_at(definition, "/States/M2/Label", "DUPLICATE_LABEL_NAME")
