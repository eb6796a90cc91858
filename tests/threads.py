"""Races between real threads, each with its own connection and transactions, for the tests
that prove what the database decides when two people write at once.

Such a test is transactional (threads cannot see a test transaction's rows), so its set-up runs
in a thread of its own and commits (`committed`), and the demo is put back after it
(``_demo_snapshot``, tests/conftest.py).

SQLite's in-memory test database is shared between threads through its shared cache, where a
second writer fails at once ("database table is locked") instead of waiting its turn as on the
database file the product runs on; there the threads work on a file copy of the demo
(`threads_on_a_database_file`), with the product's own settings (WAL, BEGIN IMMEDIATE, busy
timeout: gridgov/settings/base.py)."""

import contextlib
import sqlite3
import threading

from django.db import connection


@contextlib.contextmanager
def threads_on_a_database_file(folder):
    """On SQLite, connections opened meanwhile (by threads) use a file copy of the database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = folder / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings = connection.settings_dict  # shared by every thread's connection
    name = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = name


def in_threads(*works) -> list:
    """Run each work in a thread of its own, released together; each thread closes its
    connection. Returns what each returned, or raised."""
    lined_up = threading.Barrier(len(works), timeout=20)
    results = [None] * len(works)

    def one(index, work):
        try:
            lined_up.wait()
            results[index] = work()
        except Exception as error:  # handed back to the test, which checks it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def committed(work):
    """`work` run and committed by a connection of its own; its result, or what it raised."""
    (result,) = in_threads(work)
    if isinstance(result, Exception):
        raise result
    return result
