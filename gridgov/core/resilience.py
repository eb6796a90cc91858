"""Riding out a database that is briefly unavailable: SQLite's write lock held longer than the
busy timeout, a PostgreSQL server restarting. The long-running processes (the worker, the
clock) wait and try again instead of exiting; a request still fails fast."""

import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)
FIRST_WAIT = 0.5
LONGEST_WAIT = 30.0


def is_transient(exc: BaseException) -> bool:
    """A lock wait that timed out, or a lost connection: worth another try."""
    if isinstance(exc, InterfaceError):
        return True  # "connection already closed"
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return any(
        sign in text
        for sign in (
            "database is locked",
            "database table is locked",
            "connection",  # refused, closed, terminated, lost
            "server closed",
            "terminating",
            "shutting down",
            "the database system is starting up",
            "could not connect",
            "ssl syscall",
        )
    )


class Backoff:
    """Waits that double from FIRST_WAIT up to LONGEST_WAIT, and start again after success."""

    def __init__(self, first: float = FIRST_WAIT, longest: float = LONGEST_WAIT):
        self.first, self.longest = first, longest
        self.next = first

    def wait(self, sleep: Callable[[float], None] = time.sleep) -> float:
        waited = self.next
        sleep(waited)
        self.next = min(self.next * 2, self.longest)
        return waited

    def reset(self) -> None:
        self.next = self.first


def after_transient_error(exc: BaseException, what: str, backoff: Backoff) -> None:
    """Log, drop the broken connections, wait; re-raise anything that is not transient."""
    if not is_transient(exc):
        raise exc
    logger.warning("%s: %s; trying again in %.1f s", what, exc, backoff.next)
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a broken connection may fail to close; dropped anyway
            logger.debug("Closing a broken connection failed", exc_info=True)
    backoff.wait()
