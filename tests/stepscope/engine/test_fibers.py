"""The fiber pool runs concurrent work on the virtual clock in time order, deterministically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stepscope.engine.clock import VirtualClock
from stepscope.engine.fibers import FiberPool, pause_until, yield_turn

T0 = datetime(2025, 1, 1, 12, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_outside_a_pool_pausing_just_moves_the_clock() -> None:
    clock = VirtualClock(T0)
    pause_until(clock, at(5))
    yield_turn(clock)
    assert clock.now == at(5)


def test_fibers_resume_in_clock_order_and_ties_in_the_order_they_waited() -> None:
    clock = VirtualClock(T0)
    log: list[tuple[str, float]] = []
    pool: FiberPool[str] = FiberPool(clock)

    def worker(name: str, waits: list[float]) -> str:
        for seconds in waits:
            log.append((name, (clock.now - T0).total_seconds()))
            pause_until(clock, clock.now + timedelta(seconds=seconds))
        return name.upper()

    pool.spawn("a", lambda: worker("a", [3, 3]))
    pool.spawn("b", lambda: worker("b", [1, 0, 10]))
    pool.spawn("c", lambda: worker("c", [0]))
    ended = [pool.next_finished() for _ in range(3)]
    assert [(f.key, f.value) for f in ended] == [("c", "C"), ("a", "A"), ("b", "B")]
    assert log == [("a", 0), ("b", 0), ("c", 0), ("b", 1), ("b", 1), ("a", 3)]
    assert clock.now == at(11)  # b's last wait: 1 + 0 + 10 seconds


def test_a_fibers_exception_is_handed_back_and_the_others_carry_on() -> None:
    clock = VirtualClock(T0)
    pool: FiberPool[int] = FiberPool(clock)

    def fails() -> None:
        pause_until(clock, at(1))
        raise ValueError("boom")

    def slow() -> int:
        pause_until(clock, at(2))
        return 2

    pool.spawn(1, fails)
    pool.spawn(2, slow)
    first = pool.next_finished()
    assert first.key == 1 and isinstance(first.error, ValueError)
    assert pool.keys() == [2]
    second = pool.next_finished()
    assert (second.key, second.value, second.error) == (2, 2, None)
    assert not pool


def test_next_finished_by_stops_at_the_moment_and_abandon_unwinds_the_rest() -> None:
    clock = VirtualClock(T0)
    pool: FiberPool[str] = FiberPool(clock)
    unwound: list[str] = []

    def sleeper(name: str, seconds: float) -> str:
        try:
            pause_until(clock, at(seconds))
        finally:
            unwound.append(name)
        return name

    pool.spawn("early", lambda: sleeper("early", 1))
    pool.spawn("late", lambda: sleeper("late", 9))
    first = pool.next_finished_by(at(5))
    assert first is not None and first.key == "early"
    assert pool.next_finished_by(at(5)) is None
    assert pool.keys() == ["late"]
    pool.abandon()
    assert not pool and unwound == ["early", "late"]


def test_a_pool_inside_a_fiber_shares_the_outer_timeline() -> None:
    clock = VirtualClock(T0)
    order: list[str] = []
    outer: FiberPool[str] = FiberPool(clock)

    def inner_work() -> str:
        inner: FiberPool[str] = FiberPool(clock)
        inner.spawn("x", lambda: (pause_until(clock, at(4)), order.append("x"))[0])
        inner.spawn("y", lambda: (pause_until(clock, at(2)), order.append("y"))[0])
        inner.next_finished()
        inner.next_finished()
        return "inner"

    def other() -> str:
        pause_until(clock, at(3))
        order.append("other")
        return "other"

    outer.spawn("inner", inner_work)
    outer.spawn("other", other)
    assert {outer.next_finished().key, outer.next_finished().key} == {"inner", "other"}
    assert order == ["y", "other", "x"]


def test_direct_work_runs_in_spawn_order_in_the_callers_stack() -> None:
    clock = VirtualClock(T0)
    pool: FiberPool[str] = FiberPool(clock, direct=True)

    def fails() -> None:
        raise ValueError("boom")

    pool.spawn("a", lambda: "A")
    pool.spawn("b", fails)
    pool.spawn("c", lambda: "C")
    first = pool.next_finished()
    assert (first.key, first.value) == ("a", "A")
    assert pool.keys() == ["b", "c"]
    second, third = pool.next_finished_by(T0), pool.next_finished_by(T0)
    assert second is not None and second.key == "b" and isinstance(second.error, ValueError)
    assert third is not None and (third.key, third.value) == ("c", "C")
    assert not pool and pool.next_finished_by(T0) is None


def test_may_wait_looks_inside_parallel_states_and_counts_maps_and_retries() -> None:
    from stepscope.engine.branches import may_wait

    passes = {"A": {"Type": "Pass"}, "B": {"Type": "Choice"}}
    waits = {"W": {"Type": "Wait", "Seconds": 1}}
    assert not may_wait(passes)
    assert may_wait(waits)
    assert may_wait({"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}})
    assert not may_wait({"P": {"Type": "Parallel", "Branches": [{"States": passes}]}})
    assert may_wait(
        {"P": {"Type": "Parallel", "Branches": [{"States": passes}, {"States": waits}]}}
    )
    assert may_wait({"M": {"Type": "Map", "ItemProcessor": {"States": waits}}})
    # A Map waits a moment before it acts on a failed iteration; a retry waits its back-off.
    assert may_wait({"M": {"Type": "Map", "Iterator": {"States": passes}}})
    retried = {"Type": "Parallel", "Branches": [{"States": passes}], "Retry": [{}]}
    assert may_wait({"P": retried})
