"""The memory pool (dashboard/memory.py): results held within a budget of bytes, the cheapest to compute again
per byte out first (among equals the least recently used), never what a run in progress uses. Each ``run`` below is a script run: a thread that uses the pool and ends, as Streamlit's are."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import polars as pl

from dashboard.memory import Pool, held_bytes

MB = 2**20
NOW = [0.0]  # the pools' clock: a computation below takes the seconds it is given, not the machine's


def clock() -> float:
    return NOW[0]


def pool(budget_mb: int) -> Pool:
    return Pool(budget_mb * MB, clock=clock)


def frame(mb: int) -> pl.DataFrame:
    """A frame of exactly ``mb`` MB by Polars' estimate (int64: 8 bytes a row)."""
    return pl.DataFrame({"x": pl.zeros(mb * MB // 8, pl.Int64, eager=True)})


class Counter:
    """A computation of a ``mb``-MB frame that takes ``seconds`` and counts its calls."""

    def __init__(self, mb: int, seconds: float = 1.0) -> None:
        self.mb, self.seconds, self.calls = mb, seconds, 0

    def __call__(self) -> pl.DataFrame:
        self.calls += 1
        NOW[0] += self.seconds
        return frame(self.mb)


def run(pool: Pool, *uses: tuple[str, Counter]) -> None:
    """One script run that asks the pool for each ``(kind, compute)`` in turn and then ends."""
    worker = threading.Thread(target=lambda: [pool.get(kind, (), compute) for kind, compute in uses])
    worker.start()
    worker.join()


def test_below_the_budget_each_result_is_computed_once() -> None:
    held, a, b = pool(10), Counter(3), Counter(3)
    run(held, ("a", a), ("b", b))
    run(held, ("a", a), ("b", b))
    assert (a.calls, b.calls) == (1, 1)
    assert held.held == 6 * MB


def test_among_equally_dear_results_the_least_recently_used_goes_first() -> None:
    held, a, b, c = pool(10), Counter(4), Counter(4), Counter(4)  # each 1 s for 4 MB
    run(held, ("a", a), ("b", b))
    run(held, ("a", a))  # a is now more recent than b
    run(held, ("c", c))  # 12 MB > 10 MB: b goes
    assert held.keys() == [("a",), ("c",)]
    run(held, ("b", b))  # b is computed again; a, the least recent, goes
    assert (a.calls, b.calls, c.calls) == (1, 2, 1)
    assert held.keys() == [("c",), ("b",)]


def test_a_dear_small_result_outlives_a_cheap_large_one_used_later() -> None:
    # signals: 30 s for 2 MB (15 s a MB); flows: 4 s for 6 MB (0.67 s a MB), used after the signals.
    held, signals, flows = pool(10), Counter(2, 30), Counter(6, 4)
    run(held, ("signals", signals), ("flows", flows))
    run(held, ("actions", Counter(4, 4)))  # 12 MB > 10 MB: the flows go, though the signals are older
    assert held.keys() == [("signals",), ("actions",)]


def test_a_dear_result_nobody_uses_any_more_ages_out() -> None:
    held, signals = pool(10), Counter(2, 30)
    run(held, ("signals", signals))
    for n in range(1000):  # cheap results come and go; each eviction raises the floor new credits start from
        run(held, (f"cheap {n}", Counter(4, 1)))
        if ("signals",) not in held.keys():
            break
    assert ("signals",) not in held.keys()
    assert n > 10  # not at once: it was worth 60 cheap results a MB


def test_a_result_computed_on_the_way_is_not_counted_twice() -> None:
    # The roll flows compute the snapshots they start from: 5 s of snapshots, then 1 s of their own.
    held = pool(8)

    def flows() -> pl.DataFrame:
        held.get("snapshots", (), Counter(4, 5))
        NOW[0] += 1
        return frame(4)

    worker = threading.Thread(target=lambda: held.get("flows", (), flows))
    worker.start()
    worker.join()
    run(held, ("other", Counter(4, 2)))  # flows cost 1 s, not 6: they go, and the snapshots (5 s) stay
    assert held.keys() == [("snapshots",), ("other",)]


def test_what_a_run_in_progress_has_used_is_not_evicted() -> None:
    held, a, b = pool(5), Counter(4), Counter(4)
    started, finish = threading.Event(), threading.Event()

    def page() -> None:  # a long first visit: uses a, then waits
        held.get("a", (), a)
        started.set()
        finish.wait()

    long_run = threading.Thread(target=page)
    long_run.start()
    started.wait()
    run(held, ("b", b))  # 8 MB > 5 MB, but a is in use: both stay for now
    assert held.keys() == [("a",), ("b",)]
    finish.set()
    long_run.join()
    run(held, ("c", Counter(1)))  # a's run has ended: past the budget, a (the least recent) goes
    assert held.keys() == [("b",), ("c",)] and a.calls == 1


def test_room_is_made_before_computing_a_result_of_a_size_seen_before() -> None:
    held = pool(10)
    run(held, ("trend", Counter(6)), ("other", Counter(3)))  # 9 MB, within budget
    held_when_computing = []

    def newer() -> pl.DataFrame:
        held_when_computing.append(held.held)
        return frame(6)

    worker = threading.Thread(target=lambda: held.get("trend", (2,), newer))  # the trend of the next version
    worker.start()
    worker.join()
    # A trend was 6 MB: 9 + 6 > 10, so the least recent (the old trend) went before the new one was computed.
    assert held_when_computing == [3 * MB]
    assert held.keys() == [("other",), ("trend", 2)]


def test_sessions_asking_at_once_share_one_computation() -> None:
    held, calls = pool(10), []

    def slow() -> pl.DataFrame:
        calls.append(1)
        time.sleep(0.2)
        return frame(1)

    found = []
    sessions = [threading.Thread(target=lambda: found.append(held.get("a", (1,), slow))) for _ in range(4)]
    for s in sessions:
        s.start()
    for s in sessions:
        s.join()
    assert len(calls) == 1
    assert all(f is found[0] for f in found)  # shared, not copied


def test_arguments_are_part_of_the_key() -> None:
    held = pool(10)
    worker = threading.Thread(target=lambda: [held.get("a", (n,), Counter(1)) for n in (1, 2, 1)])
    worker.start()
    worker.join()
    assert held.keys() == [("a", 2), ("a", 1)]


def test_clearing_a_kind_keeps_the_others() -> None:
    held = pool(10)
    run(held, ("a", Counter(1)), ("b", Counter(1)))
    held.clear("a")
    assert held.keys() == [("b",)]
    assert held.peek("b", ()) is not None and held.peek("a", ()) is None


def test_a_budget_of_zero_keeps_nothing_once_its_run_has_ended() -> None:
    held, a = pool(0), Counter(1)
    run(held, ("a", a), ("a", a))  # within one run a is used twice and computed once
    run(held, ("b", Counter(1)))
    assert a.calls == 1 and held.keys() == [("b",)]


@dataclass
class Pair:
    left: pl.DataFrame
    right: pl.DataFrame


def test_held_bytes_counts_each_frame_once_wherever_it_sits() -> None:
    one, two = frame(1), frame(2)
    assert held_bytes((one, [two], {"again": one}, "text", 7)) == 3 * MB
    # A frame made from another one's column shares its memory, but Polars cannot tell: it counts twice.
    assert held_bytes(Pair(one, one["x"].to_frame("y"))) == 2 * MB


def test_runs_that_ended_are_forgotten_below_the_budget_too() -> None:
    held = pool(1000)
    for _ in range(200):
        run(held, ("a", Counter(1)))
    assert len(held._used_by) <= 65  # noqa: SLF001 - what the pool remembers of ended runs stays bounded


def test_results_the_pool_cannot_size_are_also_bounded_by_count() -> None:
    # Charts hold no frames: 0 bytes to the pool, but memory all the same. The two most recent stay.
    held = pool(10)
    for n in range(5):  # a chart a run
        worker = threading.Thread(target=lambda n=n: held.get("chart", (n,), dict, max_entries=2))
        worker.start()
        worker.join()
    run(held, ("frame", Counter(1)))
    assert held.keys() == [("chart", 3), ("chart", 4), ("frame",)]


SCREEN: list = [None]  # (session, page) of the runs below


def on_screen(budget_mb: int) -> Pool:
    return Pool(budget_mb * MB, clock=clock, viewer=lambda: SCREEN[0])


def test_a_filter_change_keeps_what_the_page_read_in_its_last_run() -> None:
    held, flows, snaps = on_screen(10), Counter(4, 4), Counter(4, 5)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("snapshots", snaps), ("flows", flows))
    # The rerun first computes a region's book (past the budget), then reads the snapshots and the flows again:
    # they are what the page on screen uses, so the region's book does not push them out.
    run(held, ("region book", Counter(4, 0.5)), ("snapshots", snaps), ("flows", flows))
    assert (snaps.calls, flows.calls) == (1, 1)


def test_once_the_session_opens_another_page_the_last_page_s_results_may_go() -> None:
    held = on_screen(10)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("snapshots", Counter(4, 5)), ("flows", Counter(4, 4)))
    SCREEN[0] = ("session 1", "collectors")
    run(held, ("actions", Counter(4, 15)))  # 12 MB: the flows (cheapest a MB) go
    assert held.keys() == [("snapshots",), ("actions",)]


def test_another_session_s_page_on_screen_is_kept_too() -> None:
    held = on_screen(10)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("snapshots", Counter(4, 5)), ("flows", Counter(4, 4)))
    SCREEN[0] = ("session 2", "collectors")
    run(held, ("actions", Counter(4, 15)))  # over the budget for now: session 1 still shows Aging
    assert held.held == 12 * MB


def test_a_session_not_seen_for_half_an_hour_keeps_nothing() -> None:
    held = on_screen(10)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("snapshots", Counter(4, 5)), ("flows", Counter(4, 4)))
    NOW[0] += Pool.SCREEN_SECONDS + 1
    SCREEN[0] = ("session 2", "collectors")
    run(held, ("actions", Counter(4, 15)))
    assert held.keys() == [("snapshots",), ("actions",)]


def test_a_closed_session_keeps_nothing() -> None:
    closed: set = set()
    held = Pool(10 * MB, clock=clock, viewer=lambda: SCREEN[0], connected=lambda session: session not in closed)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("snapshots", Counter(4, 5)), ("flows", Counter(4, 4)))
    closed.add("session 1")  # the tab was closed or reloaded (a reload is a new session)
    SCREEN[0] = ("session 2", "collectors")
    run(held, ("actions", Counter(4, 15)))
    assert held.keys() == [("snapshots",), ("actions",)]


def test_room_is_made_by_the_size_of_the_same_table_not_of_another() -> None:
    # The collection actions were 8 MB; reading the small targets table must not first evict 8 MB.
    held, actions = pool(10), Counter(8)
    worker = threading.Thread(target=lambda: held.get("table", ("collection_actions",), actions))
    worker.start()
    worker.join()
    worker = threading.Thread(target=lambda: held.get("table", ("targets",), Counter(1)))
    worker.start()
    worker.join()
    assert held.keys() == [("table", "collection_actions"), ("table", "targets")]


def test_a_session_at_rest_keeps_only_the_run_that_drew_its_screen() -> None:
    held = on_screen(10)
    SCREEN[0] = ("session 1", "aging")
    run(held, ("region 1 book", Counter(4, 0.5)))
    run(held, ("region 2 book", Counter(4, 0.5)))  # the screen now shows region 2
    SCREEN[0] = ("session 2", "collectors")
    run(held, ("actions", Counter(4, 15)))  # another session, past the budget: region 1's book may go
    assert held.keys() == [("region 2 book",), ("actions",)]


def test_a_heavy_computation_first_lets_go_of_what_no_run_uses() -> None:
    # 12 MB of flows and 2 MB of actions are held within 20 MB; a run reads the actions, then computes the
    # heavy events: the flows go before it starts (down to a quarter of the budget), the actions it reads stay.
    held, flows, actions, events = pool(20), Counter(12), Counter(2), Counter(1)
    run(held, ("flows", flows), ("actions", actions))
    seen = []

    def heavy() -> pl.DataFrame:
        seen.append(held.keys())
        return events()

    worker = threading.Thread(target=lambda: (held.get("actions", (), actions), held.get("events", (), heavy, heavy=True)))
    worker.start()
    worker.join()
    assert seen == [[("actions",)]]
    assert held.keys() == [("actions",), ("events",)] and (flows.calls, actions.calls) == (1, 1)


def test_an_ordinary_computation_keeps_what_fits() -> None:
    held, flows, events = pool(20), Counter(3), Counter(1)
    run(held, ("flows", flows))
    run(held, ("events", events))
    assert held.keys() == [("flows",), ("events",)]


def test_before_a_heavy_computation_a_dear_small_result_stays() -> None:
    # Signals: 30 s for 2 MB; flows: 4 s for 12 MB. Letting go down to a quarter of 20 MB, the flows suffice.
    held, signals, flows = pool(20), Counter(2, 30), Counter(12, 4)
    run(held, ("signals", signals), ("flows", flows))
    worker = threading.Thread(target=lambda: held.get("events", (), Counter(1), heavy=True))
    worker.start()
    worker.join()
    assert held.keys() == [("signals",), ("events",)]
