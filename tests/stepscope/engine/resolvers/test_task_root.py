"""stepscope/engine/resolvers/task_root.py: a handler's folder deployed as /var/task."""

from __future__ import annotations

import sys
from pathlib import Path

from stepscope.engine.resolvers.lambdas import LambdaRegistry


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_handler_imports_its_sibling_modules_and_packages(tmp_path: Path) -> None:
    write(
        tmp_path / "pay",
        {
            "handler.py": "import gateway\nfrom shop.money import cents\n\n"
            "def handler(event, context):\n    return gateway.charge(cents(event))\n",
            "gateway.py": "def charge(amount):\n    return {'charged': amount}\n",
            "shop/__init__.py": "",
            "shop/money.py": "def cents(event):\n    return event['amount'] * 100\n",
        },
    )
    registry = LambdaRegistry.from_config(
        {"pay": {"file": str(tmp_path / "pay" / "handler.py"), "handler": "handler"}}
    )
    assert registry.invoke("pay", {"amount": 3}, "r").payload == b'{"charged": 300}'
    assert "gateway" not in sys.modules and "shop" not in sys.modules  # kept per folder


def test_two_folders_may_have_modules_of_the_same_name(tmp_path: Path) -> None:
    for name, value in (("a", 1), ("b", 2)):
        write(
            tmp_path / name,
            {
                "handler.py": "import utils\n\ndef handler(event, context):\n"
                "    return utils.VALUE\n",
                "utils.py": f"VALUE = {value}\n",
            },
        )
    registry = LambdaRegistry.from_config(
        {
            name: {"file": str(tmp_path / name / "handler.py"), "handler": "handler"}
            for name in ("a", "b")
        }
    )
    assert [registry.invoke(name, {}, "r").payload for name in ("a", "b", "a")] == [
        b"1",
        b"2",
        b"1",
    ]


def test_a_sibling_modules_error_is_cited_at_var_task(tmp_path: Path) -> None:
    write(
        tmp_path / "f",
        {
            "handler.py": "import gateway\n\ndef handler(event, context):\n"
            "    return gateway.charge()\n",
            "gateway.py": "def charge():\n    raise RuntimeError('declined')\n",
        },
    )
    registry = LambdaRegistry.from_config(
        {"f": {"file": str(tmp_path / "f" / "handler.py"), "handler": "handler"}}
    )
    body = registry.invoke("f", {}, "r").error_body
    assert body is not None and body["errorType"] == "RuntimeError"
    assert body["stackTrace"] == [
        '  File "/var/task/handler.py", line 4, in handler\n    return gateway.charge()\n',
        "  File \"/var/task/gateway.py\", line 2, in charge\n    raise RuntimeError('declined')\n",
    ]
