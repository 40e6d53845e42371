"""RegretBoundEvaluator: a GP's high-probability bound on how far the best trial is from the optimum."""

from __future__ import annotations

import numpy as np

from hpint._direction import StudyDirection
from hpint.terminator._base import BaseImprovementEvaluator
from hpint.terminator._common import (
    check_int,
    check_open_unit,
    check_seed,
    complete_trials,
    loss_sign,
)
from hpint.trial._frozen import FrozenTrial

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20
_DELTA = 0.1


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """Upper bound on the regret of the best trial, from a Gaussian process (Makarova et al., 2022).

    A GP is fitted to the best trials; the bound is the lowest upper confidence bound among them minus
    the lowest lower confidence bound over the whole search space (maximisation mirrored). When the
    model is confident that nothing in the space beats the incumbent by much, the bound is small.
    Fitting only the best trials keeps the model accurate where it matters, near the optimum.

    Args:
        top_trials_ratio: the share of the COMPLETE trials (the best ones) the GP is fitted to.
        min_n_trials: fit at least this many trials (all of them when there are fewer).
        seed: seeds the points at which the search space's lowest lower bound is looked for.

    Raises:
        ValueError: a bad argument; at ``evaluate``, no COMPLETE trial, or no parameter they all share.
        ImportError: scipy is not installed.
    """

    def __init__(
        self,
        top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
        seed: int | None = None,
    ) -> None:
        from hpint.terminator._gp import require_scipy

        require_scipy(type(self).__name__)
        self._top_trials_ratio = check_open_unit("top_trials_ratio", top_trials_ratio, include_one=True)
        self._min_n_trials = check_int("min_n_trials", min_n_trials, 1)
        self._seed = check_seed(seed)
        self._rng = np.random.RandomState(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        from hpint.samplers._gp._model import fit
        from hpint.samplers._gp._threads import single_blas_thread
        from hpint.terminator._gp import (
            confidence_width,
            encode_trials,
            regret_bound,
            search_space,
            standardize,
        )

        sign = loss_sign(study_direction)
        complete = complete_trials(trials)
        if not complete:
            raise ValueError("RegretBoundEvaluator needs at least one complete trial.")
        space, x, losses = encode_trials(complete, search_space(complete, type(self).__name__), sign)
        top = self._top_rows(losses)
        y, scale = standardize(losses[top])
        with single_blas_thread():
            model = fit(x[top], y)
            width = confidence_width(len(space.names), int(top.sum()), _DELTA)
            return regret_bound(model, space, x[top], width, self._rng) * scale

    def _top_rows(self, losses: np.ndarray) -> np.ndarray:
        """A mask of the best ``clip(ratio * n, min_n_trials, n)`` trials (and any tied with the last)."""
        n = len(losses)
        n_top = min(max(int(n * self._top_trials_ratio), self._min_n_trials), n)
        cutoff = np.partition(losses, n_top - 1)[n_top - 1]
        return losses <= cutoff

    def __repr__(self) -> str:
        return (
            f"RegretBoundEvaluator(top_trials_ratio={self._top_trials_ratio!r}, "
            f"min_n_trials={self._min_n_trials!r}, seed={self._seed!r})"
        )
