"""Hyperband: several successive-halving brackets with different aggressiveness, run side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.pruners._base import BasePruner
from hpint.pruners._checks import check_int
from hpint.pruners._rungs import bracket_budgets, bracket_of, n_brackets
from hpint.pruners._successive_halving import SuccessiveHalvingPruner, completed_last_step
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.study._study import Study

#: Study system attribute fixing an "auto" ``max_resource`` once, for every process of the study.
MAX_RESOURCE_KEY = "hyperband:max_resource"


class HyperbandPruner(BasePruner):
    """Hyperband: each trial joins one successive-halving bracket, and competes only within it.

    Successive halving must guess how early trials can be judged; Hyperband hedges by running brackets
    with early-stopping rates ``0, 1, ..., n_brackets - 1`` (bracket 0 judges after ``min_resource``
    steps, the last bracket barely prunes). There are
    ``floor(log_reduction_factor(max_resource / min_resource)) + 1`` brackets, sized as in the Hyperband
    paper (counted in integers: Optuna's floating-point log finds one bracket fewer when the ratio is an
    exact power it rounds down, e.g. 243 with factor 3 or 1000 with factor 10). A trial's bracket is a
    hash of the study name and the trial number (the same as Optuna's), so every process sharing the
    storage agrees on it; give the study a name to make pruning reproducible.

    Args:
        min_resource: steps before bracket 0's first rung (>= 1).
        max_resource: the most steps a trial runs (e.g. epochs), or "auto": as in Optuna, the largest step
            reported by a completed trial, plus 1; nothing is pruned until a trial has completed. The value
            is then stored in the study, so every worker builds the same brackets.
        reduction_factor: keep the best ``1 / reduction_factor`` at each rung (>= 2).
        bootstrap_count: see :class:`SuccessiveHalvingPruner`; not allowed with ``max_resource="auto"``.

    Raises:
        ValueError: an argument is out of range, naming it and its value.
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: str | int = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        check_int("min_resource", min_resource, minimum=1)
        if max_resource != "auto":
            check_int("max_resource", max_resource, minimum=min_resource)
        check_int("reduction_factor", reduction_factor, minimum=2)
        check_int("bootstrap_count", bootstrap_count, minimum=0)
        if bootstrap_count > 0 and max_resource == "auto":
            raise ValueError(
                f"`bootstrap_count` ({bootstrap_count}) > 0 needs an integer `max_resource`, not 'auto'."
            )
        self._min_resource = min_resource
        self._max_resource_arg = max_resource
        self._max_resource: int | None = None if max_resource == "auto" else int(max_resource)
        self._reduction_factor = reduction_factor
        self._bootstrap_count = bootstrap_count
        self._brackets: list[SuccessiveHalvingPruner] = []
        self._budgets: list[int] = []
        self._bracket_cache: dict[tuple[str, int], int] = {}
        if self._max_resource is not None:
            self._build_brackets(self._max_resource)

    def _build_brackets(self, max_resource: int) -> None:
        count = n_brackets(self._min_resource, max_resource, self._reduction_factor)
        self._budgets = bracket_budgets(count, self._reduction_factor)
        self._brackets = [
            SuccessiveHalvingPruner(
                min_resource=self._min_resource,
                reduction_factor=self._reduction_factor,
                min_early_stopping_rate=rate,
                bootstrap_count=self._bootstrap_count,
            )
            for rate in range(count)
        ]
        self._max_resource = max_resource

    @property
    def n_brackets(self) -> int | None:
        """The number of brackets, or None while ``max_resource="auto"`` is not known yet."""
        return len(self._brackets) if self._brackets else None

    def bracket_id(self, study: Study, trial_number: int) -> int:
        """The bracket of trial ``trial_number`` in ``study`` (needs ``max_resource`` known)."""
        if not self._brackets:
            raise RuntimeError("The brackets are not known until `max_resource` is (no trial completed).")
        key = (study.study_name, trial_number)
        bracket = self._bracket_cache.get(key)
        if bracket is None:
            bracket = bracket_of(study.study_name, trial_number, self._budgets)
            self._bracket_cache[key] = bracket
        return bracket

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if trial.last_step is None:
            return False
        if not self._brackets and not self._init_max_resource(study):
            return False
        bracket = self.bracket_id(study, trial.number)

        def same_bracket(other: FrozenTrial) -> bool:
            return self.bracket_id(study, other.number) == bracket

        return self._brackets[bracket]._prune(study, trial, same_group=same_bracket)

    def _init_max_resource(self, study: Study) -> bool:
        """Resolve "auto" from the study (if another worker fixed it) or from the completed trials."""
        stored = study.system_attrs.get(MAX_RESOURCE_KEY)
        if stored is None:
            last_step = completed_last_step(study)
            if last_step is None:
                return False
            stored = last_step + 1
            study.set_system_attr(MAX_RESOURCE_KEY, stored)
        self._build_brackets(max(int(stored), self._min_resource))
        return True

    def __repr__(self) -> str:
        return (
            f"HyperbandPruner(min_resource={self._min_resource}, max_resource={self._max_resource_arg!r}, "
            f"reduction_factor={self._reduction_factor}, bootstrap_count={self._bootstrap_count})"
        )
