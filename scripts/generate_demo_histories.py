"""Write the demo execution histories in fixtures/histories/ from the stories in demo_stories*.py.

Each history is the JSON `aws stepfunctions get-execution-history` prints, and beside it
`<name>.describe.json` is what `aws stepfunctions describe-execution` prints for the same run.

    python scripts/generate_demo_histories.py            # (re)write the files
    python scripts/generate_demo_histories.py --check    # exit 1 when a file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo_aws_shapes import ACCOUNT, REGION  # noqa: E402
from demo_stories import Run, order_payment_failed, order_saga_declined, order_succeeded  # noqa: E402
from demo_stories_map import approval_timed_out, order_lines_failed  # noqa: E402

from stepscope.history.synthetic import json_text  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))

STORIES: tuple[tuple[Callable[[datetime], Run], datetime], ...] = (
    (order_succeeded, datetime(2024, 5, 1, 9, 14, 3, 118000, tzinfo=UTC)),
    (order_payment_failed, datetime(2024, 5, 1, 9, 21, 47, 502000, tzinfo=UTC)),
    (order_saga_declined, datetime(2024, 5, 2, 16, 5, 11, 240000, tzinfo=UTC)),
    (order_lines_failed, datetime(2024, 5, 3, 11, 42, 36, 907000, tzinfo=UTC)),
    (approval_timed_out, datetime(2024, 6, 10, 8, 30, 0, 431000, tzinfo=NEW_YORK_SUMMER)),
)


def describe(run: Run) -> dict[str, Any]:
    """What describe-execution prints once the run has finished."""
    machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{run.machine}"
    stopped = run.writer.at
    document: dict[str, Any] = {
        "executionArn": f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{run.machine}:{run.name}",
        "stateMachineArn": machine_arn,
        "name": run.name,
        "status": run.status,
        "startDate": run.started.isoformat(timespec="microseconds"),
        "stopDate": stopped.isoformat(timespec="microseconds"),
        "input": json_text(run.execution_input),
        "inputDetails": {"included": True},
    }
    if run.status == "SUCCEEDED":
        document["output"] = json_text(run.output)
        document["outputDetails"] = {"included": True}
    else:
        document["error"] = run.error
        document["cause"] = run.cause
    document["redriveCount"] = 0
    if run.status == "SUCCEEDED":
        document["redriveStatus"] = "NOT_REDRIVABLE"
        document["redriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        document["redriveStatus"] = "REDRIVABLE"
    return document


def rendered() -> dict[str, str]:
    """File name -> text, exactly as the CLI prints it (4-space indent, a final newline)."""
    files: dict[str, str] = {}
    for story, start in STORIES:
        run = story(start)
        files[f"{run.name}.json"] = (
            json.dumps(run.writer.page(), indent=4, ensure_ascii=False) + "\n"
        )
        files[f"{run.name}.describe.json"] = (
            json.dumps(describe(run), indent=4, ensure_ascii=False) + "\n"
        )
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the files are up to date")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = args.output / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
