"""StateMachine look-ups: walk, state_at, state_by_path, state_containing."""

from __future__ import annotations

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import StateMachine


def nested() -> StateMachine:
    return build_state_machine(
        {
            "StartAt": "Fan",
            "States": {
                "Fan": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "Items",
                            "States": {
                                "Items": {
                                    "Type": "Map",
                                    "ItemProcessor": {
                                        "StartAt": "Work",
                                        "States": {"Work": {"Type": "Pass", "End": True}},
                                    },
                                    "End": True,
                                }
                            },
                        }
                    ],
                    "Next": "a/b~c",
                },
                "a/b~c": {"Type": "Succeed"},
            },
        }
    )


def test_walk_yields_every_state_with_its_parents_in_order() -> None:
    walked = [(state.name, [p.name for p in parents]) for state, parents in nested().walk()]
    assert walked == [
        ("Fan", []),
        ("Items", ["Fan"]),
        ("Work", ["Fan", "Items"]),
        ("a/b~c", []),
    ]


def test_state_at_pointer_with_escaping() -> None:
    machine = nested()
    work = machine.state_at("/States/Fan/Branches/0/States/Items/ItemProcessor/States/Work")
    assert work is not None and work.name == "Work" and work.path == ("Fan", 0, "Items", "Work")
    special = machine.state_at("/States/a~1b~0c")
    assert special is not None and special.name == "a/b~c"
    assert machine.state_at("/States/Nope") is None


def test_state_by_path_and_state_containing() -> None:
    machine = nested()
    items = machine.state_by_path(("Fan", 0, "Items"))
    assert items is not None and items.type == "Map"
    inner = machine.state_containing(
        "/States/Fan/Branches/0/States/Items/ItemProcessor/States/Work/End"
    )
    assert inner is not None and inner.name == "Work"
    outer = machine.state_containing("/States/Fan/Branches/0/StartAt")
    assert outer is not None and outer.name == "Fan"
    assert machine.state_containing("/StartAt") is None


def test_block_lookups_and_transitions() -> None:
    machine = nested()
    fan = machine.state("Fan")
    assert fan is not None and fan.transitions() == ("a/b~c",)
    assert machine.state_names() == ("Fan", "a/b~c")
    assert len(machine.all_states()) == 4


def test_assigned_variables_from_states_catchers_and_choice_rules() -> None:
    machine = build_state_machine(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Assign": {"orderId": "{% $states.input.id %}", "total": 0},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Assign": {"err": 1}}],
                    "Next": "C",
                },
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% true %}", "Next": "D", "Assign": {"total": 2}}],
                    "Default": "D",
                },
                "D": {"Type": "Succeed"},
            },
        }
    )
    assert machine.assigned_variables() == ("orderId", "total", "err")
