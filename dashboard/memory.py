"""The largest results the pages reuse, held within a memory budget (``RDASH_MEMORY_BUDGET_MB``).

Streamlit's caches bound their entries by count. At 10M invoices one entry can hold a gigabyte (the 37
month-end snapshots, the roll flows, the 16.8M collection actions), and the pages' first visits together
kept 5 GB besides the book. ``Pool`` holds those results by size instead. Once their sizes pass the budget,
results are evicted by GreedyDual-Size (Cao and Irani, 1997): each has a credit of the seconds it took to
compute per byte it holds, renewed when it is used; the lowest credit goes first, and what is evicted raises
the floor every later credit starts from, so results nobody uses any more age out. A cheap, large, stale
result (roll flows: 4 s for 0.9 GB) goes before a dear, small one (the early-warning signals: 30 s for
0.1 GB), and among equals the least recently used goes first.

A result a script run still in progress has used is not evicted: the run holds it anyway, so evicting it
would free nothing and only compute it again on the next rerun. Nor is one the page on a session's screen
used when it was drawn (``viewer``: the session and its page): a filter change reruns the page, and a miss
early in that rerun (a region's book) must not evict what the rest of the rerun reads (the roll flows,
4 s at 10M invoices). Once that rerun has drawn the page, what only the run before it used may go, and
all of it once the session opens another page, closes (``connected``) or is not seen for half an hour.
A fragment's rerun draws a part of the page and changes nothing of this. A page that
returns to an evicted result computes it again (seconds at 10M invoices); below the budget nothing is evicted.

Sizes are Polars' ``estimated_size`` of the frames a result holds; a frame two results share counts twice.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import polars as pl


def held_bytes(value: object, seen: set[int] | None = None) -> int:
    """The bytes of the Polars frames and series in ``value`` (tuples, lists, dicts and dataclasses of them)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, pl.DataFrame | pl.Series):
        return value.estimated_size()
    if isinstance(value, list | tuple | set | frozenset):
        return sum(held_bytes(v, seen) for v in value)
    if isinstance(value, dict):
        return sum(held_bytes(v, seen) for v in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(held_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return 0


def _family(kind: str, args: tuple) -> tuple:
    """Results whose sizes are alike, for the room made before computing one: a kind, and within it a table's
    or a figure's name (the collection actions are 1.1 GB at 10M invoices, the targets table a few KB), and
    for a table read by period the years read (a year of actions is a third of three)."""
    first = args[0] if args else None
    if isinstance(first, str):
        return (kind, first)
    dated = getattr(first, "dated", None)
    return (kind, getattr(first, "table", None), dated and dated[1].year - dated[0].year)


@dataclasses.dataclass
class _Screen:
    """What one session's page on screen uses: its last run's keys and the keys of the run in progress."""

    page: Hashable
    thread: threading.Thread
    last: set[Hashable]
    current: set[Hashable]
    seen: float


@dataclasses.dataclass
class _Entry:
    value: Any
    size: int
    seconds_per_byte: float
    credit: float = 0.0


class Pool:
    """Results by key within ``budget`` bytes (module docstring).

    Like ``st.cache_resource``, a key is computed once however many sessions ask for it at the same time,
    and the value is shared, not copied. ``in_use`` says which threads are runs still in progress (by
    default: alive): what they have used stays; so does what ``viewer``'s (session, page) on screen used
    while ``connected`` says the session is there. ``clock`` times the computations (seconds).
    """

    SCREEN_SECONDS = 1800.0  # a session not seen for this long has left: its page protects nothing

    def __init__(self, budget: int, in_use: Callable[[threading.Thread], bool] = threading.Thread.is_alive,
                 clock: Callable[[], float] = time.perf_counter,
                 viewer: Callable[[], tuple[Hashable, Hashable] | None] = lambda: None,
                 connected: Callable[[Hashable], bool] = lambda session: True) -> None:  # fmt: skip
        self.budget = budget
        self._in_use = in_use
        self._clock = clock
        self._viewer = viewer
        self._connected = connected
        self._screens: dict[Hashable, _Screen] = {}  # by session
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()  # least recently used first
        self._floor = 0.0  # GreedyDual-Size's inflation: the credit of the last result evicted
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._used_by: dict[threading.Thread, set[Hashable]] = {}
        self._last_size: dict[tuple, int] = {}  # per family of results, for room before computing the next one
        self._nested = threading.local()  # seconds spent in computations nested in the one being timed

    @property
    def held(self) -> int:
        with self._lock:
            return sum(e.size for e in self._entries.values())

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self._lock:
            return list(self._entries)

    def get(self, kind: str, args: tuple, compute: Callable[[], Any], max_entries: int = 64,
            heavy: bool = False) -> Any:  # fmt: skip
        """The value of ``(kind, *args)``, computed by ``compute()`` when it is not held. ``max_entries`` also
        bounds the results of ``kind`` by count, least recently used out first: for results of which the pool
        sees no frames (charts, empty frames), which take memory all the same. A ``heavy`` computation, which
        peaks far above what it returns, first lets go of the results no run in progress uses and no page on
        screen shows, in the usual order (the cheapest to compute again per byte first), until they hold at most
        a quarter of the budget: what it needs on the way is not known before, and the peak is what the machine
        must have; a dear result (the early-warning signals: 30 s for 0.1 GB at 10M invoices) stays."""
        key = (kind, *args)
        found = self._hit(key)
        if found is not None:
            return found.value
        family = _family(kind, args)
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        try:
            with computing:  # another session computing the same key: wait for it instead of computing it twice
                found = self._hit(key)
                if found is not None:
                    return found.value
                with self._lock:  # room first: lowers the peak of computing
                    self._evict(room=self.budget * 3 // 4 if heavy else self._last_size.get(family, 0))
                value, seconds = self._timed(compute)
                size = held_bytes(value)
                with self._lock:
                    entry = _Entry(value, size, seconds / max(size, 1))
                    entry.credit = self._floor + entry.seconds_per_byte
                    self._entries[key] = entry
                    self._last_size[family] = size
                    self._use(key)
                    self._evict(room=0)
                    self._evict_beyond(kind, max_entries)
            return value
        finally:
            with self._lock:
                if self._computing.get(key) is computing:
                    del self._computing[key]

    def peek(self, kind: str, args: tuple) -> Any | None:
        """The value of ``(kind, *args)`` if it is held, without computing it."""
        found = self._hit((kind, *args))
        return None if found is None else found.value

    def clear(self, kind: str | None = None) -> None:
        """Forget every result, or every result of ``kind``."""
        with self._lock:
            for key in [k for k in self._entries if kind is None or k[0] == kind]:
                del self._entries[key]

    def _timed(self, compute: Callable[[], Any]) -> tuple[Any, float]:
        """``compute()`` and its own seconds: without those of the pooled results it computed on the way,
        which have their own entries (the roll flows compute the snapshots they start from)."""
        outer = getattr(self._nested, "seconds", 0.0)
        self._nested.seconds = 0.0
        start = self._clock()
        try:
            value = compute()
        finally:
            elapsed = self._clock() - start
            inner = self._nested.seconds
            self._nested.seconds = outer + elapsed
        return value, elapsed - inner

    def _hit(self, key: Hashable) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                entry.credit = self._floor + entry.seconds_per_byte
                self._use(key)
            return entry

    def _use(self, key: Hashable) -> None:
        if len(self._used_by) > 64:  # every script run is a thread: forget those that ended, below the budget too
            self._forget_ended()
        thread = threading.current_thread()
        self._used_by.setdefault(thread, set()).add(key)
        viewer = self._viewer()
        if viewer is None:
            return
        session, page = viewer
        screen, now = self._screens.get(session), self._clock()
        if screen is None or screen.page != page:  # a new session, or another page: the last page's keys go
            self._screens[session] = _Screen(page, thread, set(), {key}, now)
            return
        if screen.thread is not thread:  # the page's next run: the run before it becomes the last
            screen.thread, screen.last, screen.current = thread, screen.current, set()
        screen.current.add(key)
        screen.seen = now

    def _forget_ended(self) -> None:
        for thread in [t for t in self._used_by if not self._in_use(t)]:
            del self._used_by[thread]

    def _evict_beyond(self, kind: str, count: int) -> None:
        in_use = self._in_use_keys()
        mine = [key for key in self._entries if key[0] == kind]  # least recently used first
        for key in [k for k in mine if k not in in_use][: max(0, len(mine) - count)]:
            del self._entries[key]

    def _in_use_keys(self) -> set[Hashable]:
        """The keys of the runs in progress and of the pages on screen."""
        self._forget_ended()
        now = self._clock()
        for session in [s for s, screen in self._screens.items()
                        if now - screen.seen > self.SCREEN_SECONDS or not self._connected(s)]:  # fmt: skip
            del self._screens[session]
        # A run in progress of the page still needs what its last run read; at rest, the run that drew the
        # screen is ``current``.
        return set().union(*self._used_by.values(),
                           *(s.current | (s.last if self._in_use(s.thread) else set()) for s in self._screens.values()))

    def _evict(self, room: int) -> None:
        """Evict the lowest credits that no run in progress and no page on screen uses until ``room`` more
        bytes fit."""
        in_use = self._in_use_keys()
        total = sum(e.size for e in self._entries.values())
        while total + room > self.budget:
            # min() takes the first of equal credits: the least recently used
            candidates = [(entry.credit, key) for key, entry in self._entries.items()
                          if key not in in_use and entry.size > 0]  # evicting what holds no frame frees nothing
            if not candidates:
                return
            credit, key = min(candidates, key=lambda c: c[0])
            self._floor = max(self._floor, credit)
            total -= self._entries.pop(key).size
