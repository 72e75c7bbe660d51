"""Arrow-native reads of whole tables: ADBC for PostgreSQL in process, for SQLite in a worker process.

Why a worker process for SQLite: ADBC's SQLite driver bundles its own copy of the SQLite library,
while SQLAlchemy writes through Python's ``sqlite3`` (the system's copy). Two copies in one process
break SQLite's POSIX locking: when one copy closes its file, the process loses the locks the other
copy holds (https://www.sqlite.org/howtocorrupt.html, 2.2.1), and the next read sees a stale or
"malformed" database. So the app's process uses only ``sqlite3`` for SQLite, and the bulk Arrow
reads (3-7x faster than ``sqlite3`` row by row) run in worker processes, each with one copy. A
worker writes the result as an Arrow IPC file in the temporary directory and the app maps it, so
the table crosses the process boundary without being pickled.

PostgreSQL has no such problem (libpq talks to a server), so its reads stay in process.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

import pyarrow as pa

WORKERS = 2  # two cores on the reference machine: two tables load at once on a cold start


class _Worker:
    """One reader process (``python -m data_access.db.arrow_reader``): a request per line on stdin,
    the path of an Arrow IPC file (or an error) per line on stdout. A plain child process rather
    than multiprocessing, so no caller's main module is re-imported in it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "data_access.db.arrow_reader"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1,
        )  # fmt: skip

    def ask(self, path: str, sql: str, dates: tuple[str, ...] = ()) -> str:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"path": path, "sql": sql, "dates": list(dates)}) + "\n")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the SQLite reader process stopped (exit code {self.process.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"Reading {path}: {answer['error']}")
        return answer["ipc"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()


_idle: queue.Queue[_Worker] = queue.Queue()
_started = 0
_lock = threading.Lock()


def _acquire() -> _Worker:
    global _started
    with _lock:
        if _idle.empty() and _started < WORKERS:
            _started += 1
            return _Worker()
    return _idle.get()


def _retire(worker: _Worker) -> None:
    global _started
    worker.close()
    with _lock:
        _started -= 1


def read_sqlite(path: str, sql: str, dates: tuple[str, ...] = ()) -> pa.Table:
    """Run ``sql`` on the SQLite file at ``path`` in a reader process; return its result as Arrow, the
    columns named in ``dates`` (SQLite's ISO text) as dates."""
    worker = _acquire()
    try:
        ipc_path = worker.ask(path, sql, dates)
    except RuntimeError as problem:
        if worker.process.poll() is not None:  # the process died (e.g. out of memory): start afresh next time
            _retire(worker)
        else:
            _idle.put(worker)
        raise problem
    except BaseException:
        _retire(worker)  # interrupted mid-answer: its pipe is out of step
        raise
    _idle.put(worker)
    try:
        with pa.memory_map(ipc_path) as source:
            return pa.ipc.open_file(source).read_all()
    finally:
        os.unlink(ipc_path)


def _read_sqlite_to_file(path: str, sql: str, dates: tuple[str, ...] = ()) -> str:
    """In the worker: read with ADBC's SQLite, write an Arrow IPC file, return its path.

    The ``dates`` columns are converted here, from text to Arrow dates: the app memory-maps the file and
    keeps the pages it touched while the frame lives, so a date converted there held its text too (at 10M
    invoices 0.26 GB of the book's 1.15 GB)."""
    import adbc_driver_sqlite.dbapi as adbc

    connection = adbc.connect(path)
    try:
        with connection.cursor() as cursor:
            # Type inference looks at the first batch; a column that is NULL there must not be
            # fixed as NULL-typed, so infer over a large batch.
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "1000000"})
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
    finally:
        connection.close()
    for name in dates:
        column = table[name]
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or pa.types.is_null(column.type):
            table = table.set_column(table.schema.get_field_index(name), name, column.cast(pa.date32()))
    handle, ipc_path = tempfile.mkstemp(prefix="rdash-read-", suffix=".arrow")
    with os.fdopen(handle, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return ipc_path


def read_postgres(url: str, sql: str) -> pa.Table:
    """Run ``sql`` on PostgreSQL through ADBC's libpq driver (``url`` is a libpq URI)."""
    import adbc_driver_postgresql.dbapi as adbc

    connection = adbc.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetch_arrow_table()
    finally:
        connection.close()


def _serve() -> None:
    """The reader process's loop: answer requests until stdin closes."""
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"ipc": _read_sqlite_to_file(request["path"], request["sql"], tuple(request.get("dates", ())))}
        except Exception as exc:  # the driver's error types vary; the app gets the message
            answer = {"error": f"{exc.__class__.__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        _release_memory()


def _release_memory() -> None:
    """Give what the read allocated back to the system: an idle reader kept 0.5 GB after reading the 16.8M
    collection actions of a 10M-invoice book (Arrow's pool and the C heap keep freed memory for reuse)."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl, say): nothing to trim
            pass


if __name__ == "__main__":
    _serve()
