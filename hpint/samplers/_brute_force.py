"""Exhaustive search over a small discrete space, define-by-run branches included."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.samplers._base import BaseSampler
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study

_logger = _logging.get_logger(__name__)


class _Node:
    """A point in the tree of suggestions: which parameter comes next, and one child per value tried."""

    __slots__ = ("param", "size", "children", "ended")

    def __init__(self) -> None:
        self.param: str | None = None
        self.size = 0  # how many values the next parameter can take
        self.children: dict[int, _Node] = {}
        self.ended = False  # a trial stopped suggesting here

    def exhausted(self) -> bool:
        if self.param is None:
            return self.ended
        return len(self.children) == self.size and all(c.exhausted() for c in self.children.values())

    def add_path(self, steps: Iterable[tuple[str, int, int]]) -> None:
        node = self
        for name, index, size in steps:
            if node.param is None:
                node.param, node.size = name, size
            elif node.param != name:  # the objective branched differently here: not a tree we can walk
                return
            node = node.children.setdefault(index, _Node())
        node.ended = True


class BruteForceSampler(BaseSampler):
    """Visit every combination of a discrete search space once, then stop the study.

    Handles conditional spaces: the search space is a tree discovered as trials run (``suggest_*``
    calls in the order the objective makes them), and each branch is explored to its end. Each
    parameter must take finitely many values: categorical, integer, or float with ``step``.
    RUNNING trials count as visiting their combination, so parallel workers spread out; FAILed
    combinations are not retried (a failing configuration would otherwise be tried forever).

    Args:
        seed: the order in which unvisited values are tried.
        avoid_premature_stop: stop only when every combination has a finished trial, not when the last
            ones are merely running (slower to stop, may repeat a combination, never misses one).

    Raises:
        ValueError: (when sampling) a float parameter has no ``step``.
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        self._seed = seed
        self._base_seed = int.from_bytes(os.urandom(8), "little") if seed is None else int(seed)
        self._avoid_premature_stop = avoid_premature_stop

    def reseed_rng(self) -> None:
        self._base_seed = int.from_bytes(os.urandom(8), "little")

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        size = len(grid_values(param_name, param_distribution))
        others = [t for t in study.get_trials(deepcopy=False) if t.number != trial.number]
        finished = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
        # Prefer values no trial, running or finished, has taken; then those only running trials hold.
        trees = (_build_tree(others, finished + (TrialState.RUNNING,)), _build_tree(others, finished))
        import numpy as np

        rng = np.random.RandomState(_seed_words(self._base_seed, trial.number, param_name))
        index = None
        for tree in trees:
            node = _walk(tree, trial)
            if node is None or node.param not in (None, param_name):
                free = list(range(size))
            else:
                free = [i for i in range(size) if i not in node.children or not node.children[i].exhausted()]
            if free:
                index = int(free[rng.randint(len(free))])
                break
        if index is None:  # everything visited (e.g. more trials asked than combinations): repeat one
            index = int(rng.randint(size))
        return grid_values(param_name, param_distribution)[index]

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL]
        if not self._avoid_premature_stop:
            states.append(TrialState.RUNNING)
        others = [t for t in study.get_trials(deepcopy=False) if t.number != trial.number]
        tree = _build_tree(others, tuple(states))
        tree.add_path(_steps(trial))
        if tree.exhausted():
            _logger.info("Every combination of the search space has been tried; the study stops.")
            study.stop()

    def __repr__(self) -> str:
        return f"BruteForceSampler(seed={self._seed!r})"


def grid_values(name: str, dist: BaseDistribution) -> list[Any]:
    """Every value ``dist`` allows, in order (external representation).

    Raises:
        ValueError: a float distribution without ``step`` (infinitely many values).
    """
    if isinstance(dist, CategoricalDistribution):
        return list(dist.choices)
    if isinstance(dist, IntDistribution):
        return list(range(dist.low, dist.high + 1, dist.step))
    if isinstance(dist, FloatDistribution):
        if dist.single():
            return [dist.low]
        if dist.step is None:
            raise ValueError(
                f"BruteForceSampler needs a finite set of values, but {name!r} is {dist!r}; "
                "give it a `step` or use suggest_categorical."
            )
        n = int(round((dist.high - dist.low) / dist.step))
        return [min(dist.low + k * dist.step, dist.high) for k in range(n + 1)]
    raise ValueError(f"BruteForceSampler does not support {dist!r} for {name!r}.")


def _index(name: str, dist: BaseDistribution, value: Any) -> tuple[int, int]:
    """(index of ``value`` among the grid values, number of grid values)."""
    if isinstance(dist, CategoricalDistribution):
        return int(dist.to_internal_repr(value)), len(dist.choices)
    if isinstance(dist, (IntDistribution, FloatDistribution)) and dist.step is not None:
        size = int(round((dist.high - dist.low) / dist.step)) + 1
        return int(round((float(value) - dist.low) / dist.step)), size
    if isinstance(dist, FloatDistribution) and dist.single():
        return 0, 1
    grid_values(name, dist)  # raises the explanatory error
    raise AssertionError("unreachable")


def _steps(trial: FrozenTrial) -> list[tuple[str, int, int]]:
    return [(name, *_index(name, trial.distributions[name], value)) for name, value in trial.params.items()]


def _build_tree(trials: Iterable[FrozenTrial], states: tuple[TrialState, ...]) -> _Node:
    root = _Node()
    for t in trials:
        if t.state in states:
            root.add_path(_steps(t))
    return root


def _walk(root: _Node, trial: FrozenTrial) -> _Node | None:
    """The node the running ``trial`` has reached with the parameters it suggested so far."""
    node = root
    for name, index, _ in _steps(trial):
        if node.param != name or index not in node.children:
            return None
        node = node.children[index]
    return node


def _seed_words(base_seed: int, trial_number: int, key: str) -> list[int]:
    """Seed words fixed by the seed, trial number and parameter: a resumed study continues alike."""
    seed = [base_seed & 0xFFFFFFFF, (base_seed >> 32) & 0xFFFFFFFF]
    return seed + [trial_number & 0xFFFFFFFF, zlib.crc32(key.encode())]
