"""Search spaces split into groups of parameters that always appear together (define-by-run branches)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING

from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


class SearchSpaceGroup:
    """Disjoint sub-spaces whose parameters always appear together, refined one trial at a time.

    In a define-by-run objective with branches (``if optimizer == "sgd": momentum = ...``), the
    parameters of each branch form one sub-space; a sampler can model each jointly, which the plain
    intersection cannot (it drops every conditional parameter). A parameter whose distribution changes
    between trials is dropped for good, as in the intersection.
    """

    def __init__(self) -> None:
        self._groups: list[dict[str, BaseDistribution]] = []
        self._dropped: set[str] = set()

    @property
    def search_spaces(self) -> list[dict[str, BaseDistribution]]:
        """The sub-spaces, each sorted by parameter name, in order of first appearance."""
        return [dict(sorted(g.items())) for g in self._groups]

    def add_distributions(self, distributions: dict[str, BaseDistribution]) -> None:
        """Split every sub-space into the part this trial used and the part it did not."""
        remaining = {k: v for k, v in distributions.items() if k not in self._dropped}
        groups: list[dict[str, BaseDistribution]] = []
        for group in self._groups:
            changed = {k for k in group if k in remaining and remaining[k] != group[k]}
            self._dropped |= changed
            inside = {k: v for k, v in group.items() if k in remaining and k not in changed}
            outside = {k: v for k, v in group.items() if k not in remaining}
            groups.extend(g for g in (inside, outside) if g)
            for k in group:
                remaining.pop(k, None)
        if remaining:
            groups.append(remaining)
        self._groups = groups


def group_decomposed_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> list[dict[str, BaseDistribution]]:
    """The :class:`SearchSpaceGroup` sub-spaces of the COMPLETE (and optionally PRUNED) ``trials``."""
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    group = SearchSpaceGroup()
    for trial in trials:
        if trial.state in states:
            group.add_distributions(trial.distributions)
    return group.search_spaces


class GroupDecomposedSearchSpace:
    """:func:`group_decomposed_search_space` kept up to date incrementally, like
    :class:`IntersectionSearchSpace`."""

    def __init__(self, include_pruned: bool = False) -> None:
        self._states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
        self._group = SearchSpaceGroup()
        self._seen: set[int] = set()
        self._study_id: int | None = None
        self._lock = ThreadLock()

    def calculate(self, study: Study, use_cache: bool = False) -> SearchSpaceGroup:
        """The groups over ``study``'s finished trials (a copy; ``use_cache`` has no effect, as for
        :meth:`IntersectionSearchSpace.calculate`)."""
        with self._lock:
            if self._study_id != study._study_id:
                self._study_id, self._group, self._seen = study._study_id, SearchSpaceGroup(), set()
            for trial in study.get_trials(deepcopy=False, states=self._states):
                if trial._trial_id not in self._seen:
                    self._seen.add(trial._trial_id)
                    self._group.add_distributions(trial.distributions)
            return copy.deepcopy(self._group)
