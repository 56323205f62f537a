"""Write a valid execution history of exactly 25,000 events (AWS's limit) to PATH.

    python scripts/generate_large_history.py PATH [--events N] [--bundle]

The history is what `aws stepfunctions get-execution-history` would print for an inline Map over
a few thousand invoices (stepscope.history.synthetic.generate_large_history). With --bundle it is
written as a Stepscope bundle instead, with the machine's definition and a describe-execution
record, ready for `python manage.py import_history PATH`. Deterministic: the same bytes every run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stepscope.history.synthetic import (  # noqa: E402
    generate_large_history,
    large_history_bundle,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--events", type=int, default=25_000, help="how many events (25000)")
    parser.add_argument("--bundle", action="store_true", help="write a Stepscope bundle")
    args = parser.parse_args(argv)
    try:
        if args.bundle:
            text = large_history_bundle(args.events)
        else:
            text = json.dumps(generate_large_history(args.events), indent=4) + "\n"
    except ValueError as error:
        parser.error(str(error))
    args.path.write_text(text, encoding="utf-8")
    print(f"wrote {args.events} events to {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
