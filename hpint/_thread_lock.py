"""A re-entrant lock that pickles and deep-copies as a new, unlocked lock.

Studies, samplers and storages guard their in-process state with a lock, and they are pickled to reach
spawned workers (``n_jobs`` processes, Lightning's ``ddp_spawn``) and deep-copied by users. A plain
``threading.Lock`` makes that fail ("cannot pickle '_thread.lock' object"); a lock only means something
inside one process, so the copy gets a fresh one. Subclassing the C ``RLock`` keeps ``with lock:`` as
cheap as before, which matters on the per-trial and per-epoch paths.
"""

from __future__ import annotations

import _thread
from typing import Any


class ThreadLock(_thread.RLock):  # type: ignore[misc]
    """``threading.RLock`` whose pickled or copied form is a new unlocked lock."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())
