"""The conformance cases that need Amazon S3 (and maybe Lambda), run in-process against an
in-memory object store built from each case's setup calls, and compared event by event with AWS's
history by the corpus's own runner (`../shared/conformance/run.py`, imported by path).

Fails on failing cases missing from s3_known_failures.txt (`case-id  # reason` lines), and on
listed cases that pass (the list only shrinks).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from stepscope.engine import run_to_completion
from stepscope.engine.recorder import json_text
from stepscope.engine.resolvers.lambdas import LambdaRegistry
from stepscope.engine.resolvers.object_store import InMemoryObjectStore
from tests.stepscope.engine.engine_helpers import conformance_runner
from tests.stepscope.engine.test_engine_conformance import read_known_failures

REPO = Path(__file__).resolve().parents[3]
CONFORMANCE = REPO.parent / "shared" / "conformance"
KNOWN_FAILURES = Path(__file__).with_name("s3_known_failures.txt")
ALLOWED_NEEDS = {"s3", "lambda"}

pytestmark = pytest.mark.skipif(
    not (CONFORMANCE / "run.py").is_file(), reason=f"no conformance corpus at {CONFORMANCE}"
)


def _s3_cases(runner: ModuleType) -> list[dict[str, Any]]:
    cases = []
    for case in runner.load_cases(str(CONFORMANCE / "cases")):
        categories = {runner.need_category(need) for need in case.get("needs") or []}
        if "s3" in categories and categories <= ALLOWED_NEEDS:
            cases.append(case)
    return cases


def store_from_setup(case: dict[str, Any]) -> InMemoryObjectStore:
    store = InMemoryObjectStore()
    for call in case.get("setup_calls") or []:
        if call.get("service") != "s3":
            continue
        args = call.get("args") or {}
        if call.get("operation") == "create_bucket":
            store.create_bucket(args["Bucket"])
        elif call.get("operation") == "put_object":
            body = args.get("Body", "")
            store.create_bucket(args["Bucket"])
            store.put_object(
                args["Bucket"], args["Key"], body.encode() if isinstance(body, str) else body
            )
    return store


def _answer(runner: ModuleType, case: dict[str, Any]) -> str:
    request = runner.build_request(case, str(CONFORMANCE))
    completed = run_to_completion(
        request["definition"],
        request["input"],
        context=request["context"],
        resolvers={
            "lambda": LambdaRegistry.from_config(request["lambdas"]),
            "s3": store_from_setup(case),
        },
        machine_type=request["type"],
    )
    answer = {
        "id": request["id"],
        "status": completed.status,
        "output": json_text(completed.output) if completed.status == "SUCCEEDED" else None,
        "error": completed.error,
        "cause": completed.cause,
        "events": completed.events,
    }
    return json.dumps(answer, ensure_ascii=False)


def test_s3_known_failures_file_is_well_formed() -> None:
    known = read_known_failures(KNOWN_FAILURES)
    assert all(case_id.startswith("v2.") for case_id in known)


def test_s3_conformance_cases_match_aws_histories() -> None:
    runner = conformance_runner()
    cases = _s3_cases(runner)
    assert cases, "the corpus has no S3 cases"
    known = read_known_failures(KNOWN_FAILURES)
    failures: dict[str, str] = {}
    passed: set[str] = set()
    for case in cases:
        if runner.timing_reason(case):
            continue
        record = runner.evaluate(case, _answer(runner, case))
        if record["result"] == "pass":
            passed.add(case["id"])
        else:
            where = f"{record['path']} [{record['event_type']}]" if record["path"] else ""
            failures[case["id"]] = (
                f"{where} expected {record['expected']} got {record['got']} ({record['reason']})"
            )
    unexpected = {case_id: why for case_id, why in failures.items() if case_id not in known}
    stale = sorted(known.keys() & passed)
    assert not stale, "listed in s3_known_failures.txt but passing now:\n" + "\n".join(stale)
    assert not unexpected, "new S3 conformance failures:\n" + "\n".join(
        f"{case_id}: {why}" for case_id, why in sorted(unexpected.items())
    )
    print(f"S3 conformance: {len(passed)} passed, {len(failures)} failed (known)")
