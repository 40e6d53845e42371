"""The rung values of a study's finished trials, kept sorted per rung and read once per trial.

Successive halving compares a trial reaching a rung with every value recorded at that rung. Scanning
every trial's attributes and sorting at each rung costs O(trials log trials) per decision; but a finished
trial (COMPLETE, PRUNED, FAIL) never changes, so its rung values are folded into sorted lists once, and
each decision scans only the unfinished trials' attributes and bisects the lists.

The table holds one study at a time and is dropped when the pruner is pickled (another process rebuilds it
from its own storage).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study

RUNG_KEY_PREFIX = "completed_rung_"


class FinishedRungValues:
    """Per rung key: the sorted values finished trials of one group recorded there."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._study_key: tuple[int, int] | None = None
        self._seen: set[int] = set()  # finished trials already folded in (or outside the group)
        self._values: dict[str, list[float]] = {}

    def update(
        self,
        study: Study,
        trials: list[FrozenTrial],
        exclude_id: int,
        same_group: Callable[[FrozenTrial], bool] | None,
    ) -> list[FrozenTrial]:
        """Fold in the newly finished trials of the group; return the group's unfinished trials (but
        ``exclude_id``), whose rung values may still grow and are read afresh by the caller."""
        key = (id(study._storage), study._study_id)
        running = []
        with self._lock:
            if key != self._study_key:
                self._study_key, self._seen, self._values = key, set(), {}
            for t in trials:
                if t._trial_id in self._seen or t._trial_id == exclude_id:
                    continue
                finished = t.state.is_finished()
                if same_group is not None and not same_group(t):
                    if finished:
                        self._seen.add(t._trial_id)
                    continue
                if not finished:
                    running.append(t)
                    continue
                self._seen.add(t._trial_id)
                for name, value in t.system_attrs.items():
                    if name.startswith(RUNG_KEY_PREFIX):
                        bisect.insort(self._values.setdefault(name, []), value)
        return running

    def count(self, rung_key: str, value: float, maximize: bool) -> tuple[int, int]:
        """How many finished trials recorded ``rung_key``, and how many of those are strictly better than
        ``value``."""
        with self._lock:
            ordered = self._values.get(rung_key, [])
            if maximize:
                return len(ordered), len(ordered) - bisect.bisect_right(ordered, value)
            return len(ordered), bisect.bisect_left(ordered, value)

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
