"""Child processes that do not outlive their parent, and gunicorn's hook for its workers."""

import ctypes
import ctypes.util
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send `sig` to this process when its parent dies (prctl PR_SET_PDEATHSIG):
    a web worker, task worker or clock left behind by a killed supervisor would otherwise go
    on answering with nothing behind it. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def post_fork(server, worker):
    """gunicorn's hook (`-c python:gridgov.core.processes`): a web worker dies with its master."""
    die_with_parent()
