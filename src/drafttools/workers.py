"""Worker processes that never outlive the process that forked them.

drafttools forks workers on large projects (the parse pool of ``source.parse``, the DOCX renderer of
``api.build``).  When the parent is killed with SIGKILL none of its code runs, so each worker arranges its own
end as it starts: on Linux the kernel kills it when its parent dies (``prctl(PR_SET_PDEATHSIG)``).  Elsewhere
there is no such call, and a worker may run on until its work is done.  Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Call first thing in a forked worker, with the parent's PID taken before the fork: the worker gets SIGKILL
    when its parent dies, and ends at once if the parent died before this call (the signal would never come)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
