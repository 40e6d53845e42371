"""One TPE proposal: split the history into good and other trials, fit both estimators, pick a candidate.

Functions of the history arrays and the settings only; the sampler object holds the state around them.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from hpint.distributions import BaseDistribution, CategoricalDistribution, IntDistribution
from hpint.samplers._random import sample_uniform
from hpint.samplers._tpe._history import TrialHistory
from hpint.samplers._tpe._parzen import Dim, ParzenEstimator, ParzenParameters, make_dim
from hpint.samplers._tpe._ratio import best_candidate
from hpint.samplers._tpe._rest_kernels import RestKernels, supports
from hpint.samplers._tpe._split import (
    constrained_below,
    default_gamma,
    default_gamma_multiobjective,
    default_weights,
    good_min_bandwidth,
    good_rank_weights,
    multi_objective_below,
    single_objective_order,
)
from hpint.trial._frozen import FrozenTrial

_SORTED_ROWS_MIN = 1024


@dataclasses.dataclass(frozen=True)
class Settings:
    """The TPE knobs a proposal needs (see :class:`~hpint.samplers.TPESampler` for their meaning)."""

    parzen: ParzenParameters
    n_ei_candidates: int
    gamma: Callable[[int], int] | None
    weights: Callable[[int], Any] | None
    constant_liar: bool
    multi_objective: bool


def make_rng(
    base_seed: int, trial_number: int, key: str, reuse: np.random.RandomState | None = None
) -> np.random.RandomState:
    """A generator fixed by the seed, the trial number and what is drawn (``key``), not by call order.

    ``reuse``, if given, is re-seeded and returned: the same state as a new generator, at a tenth of the
    cost (building a ``RandomState`` takes about 0.1 ms, a hot-path cost paid on every trial).
    """
    words = [base_seed & 0xFFFFFFFF, (base_seed >> 32) & 0xFFFFFFFF, trial_number & 0xFFFFFFFF]
    words.append(zlib.crc32(key.encode()))
    if reuse is None:
        return np.random.RandomState(words)
    reuse.seed(words)
    return reuse


def propose(
    history: TrialHistory,
    space: dict[str, BaseDistribution],
    trial: FrozenTrial,
    rng: np.random.RandomState,
    settings: Settings,
) -> dict[str, Any]:
    """Values (external representation) for every parameter of ``space``, drawn jointly."""
    names = sorted(space)
    found = history.table(names)
    if found is None or found[1].size == 0:  # never observed together: nothing to model yet
        return {name: sample_uniform(rng, space[name]) for name in names}
    table, rows = found
    below, above = split(history, rows, settings, "|".join(names))
    extra, extra_numbers = np.zeros((0, len(names))), []
    if settings.constant_liar:
        extra, extra_numbers = running_observations(history.running, trial.number, space, names)
    if settings.multi_objective:
        w_below = np.ones(len(below))  # the split already prefers spread-out good trials
    elif settings.weights is None and len(below):
        w_below = good_rank_weights(_good_ranks(history, below))
    else:
        w_below = call_weights(settings.weights, len(below))
    w_above = call_weights(settings.weights, len(above) + len(extra_numbers))
    dims = [make_dim(space[name]) for name in names]
    min_sigma = good_min_bandwidth(len(rows)) if settings.parzen.consider_magic_clip else None
    good = _good_estimator(history, names, dims, table, below, w_below, settings, min_sigma)
    in_row_order = history.in_number_order or bool(np.all(np.diff(above) > 0))  # see split
    if not extra_numbers and supports(dims, settings.parzen) and in_row_order:
        rest = _rest_kernels(history, names, dims, settings).estimator(above, table, w_above)
    elif not extra_numbers:
        orders = _sort_orders(history, names, above)
        rest = ParzenEstimator(dims, table[above], w_above, settings.parzen, orders)
    else:
        obs_above = np.vstack([table[above], extra])
        numbers_above = np.concatenate([history.numbers[above], extra_numbers])
        obs_above = obs_above[np.argsort(numbers_above, kind="stable")]
        rest = ParzenEstimator(dims, obs_above, w_above, settings.parzen)
    candidates = good.sample(rng, settings.n_ei_candidates)
    best = candidates[best_candidate(good, rest, candidates)]
    return {name: to_external(space[name], value) for name, value in zip(names, best)}


def _good_ranks(history: TrialHistory, below: np.ndarray) -> np.ndarray:
    """Each good row's rank, 0 the best, in the order the single-objective split ranks trials by
    (COMPLETE by value, then PRUNED by the step reached and their last value)."""
    order = single_objective_order(
        history.complete[below],
        history.loss[below, 0],
        history.pruned_step[below],
        history.pruned_loss[below],
        history.violation[below] if history.constrained else None,
    )
    ranks = np.empty(len(below), dtype=np.int64)
    ranks[order] = np.arange(len(below))
    return ranks


def _good_estimator(
    history: TrialHistory,
    names: list[str],
    dims: list[Dim],
    table: np.ndarray,
    below: np.ndarray,
    weights: np.ndarray,
    settings: Settings,
    min_sigma: float | None = None,
) -> ParzenEstimator:
    """``ParzenEstimator`` of the good trials, reused while they, their weights and the smallest kernel
    width (see :func:`good_min_bandwidth`) stay the same.

    On a long history most new trials are not among the good ones, so l(x) is the same as last time
    (from 297 trials on, the smallest width no longer changes); the estimator is never modified after it
    is built, so sharing it changes nothing.
    """
    key = (tuple(dims), settings.parzen, below.tobytes(), weights.tobytes(), min_sigma)  # rows never change
    memo_key = "good:" + "|".join(names)
    cached = history.memo.get(memo_key)
    if isinstance(cached, tuple) and cached[0] == key:
        return cached[1]
    good = ParzenEstimator(dims, table[below], weights, settings.parzen, min_sigma=min_sigma)
    history.memo[memo_key] = (key, good)
    return good


def _rest_kernels(
    history: TrialHistory, names: list[str], dims: list[Dim], settings: Settings
) -> RestKernels:
    """The history's :class:`RestKernels` for this set of parameters (one per set: grouped or univariate
    TPE models several), new if the parameters' distributions or the kernel settings changed."""
    key = "rest:" + "|".join(names)
    kernels = history.memo.get(key)
    if not isinstance(kernels, RestKernels) or kernels.dims != dims or kernels.params != settings.parzen:
        kernels = history.memo[key] = RestKernels(dims, settings.parzen)  # type: ignore[arg-type]
    return kernels


def _sort_orders(
    history: TrialHistory, names: list[str], above: np.ndarray
) -> list[np.ndarray | None] | None:
    """Per column, the stable sort order of ``table[above]``, from the history's incrementally sorted rows.

    Worth it from about a thousand rows (below that a sort costs less than keeping the order). Valid when
    ``above`` is increasing in row (ties by row are then ties by position); the estimator
    checks each order against the values and sorts itself if one is wrong, so this is only a shortcut.
    """
    if len(above) < _SORTED_ROWS_MIN or np.any(np.diff(above) <= 0):
        return None
    position = np.full(history.n, -1, dtype=np.int64)
    position[above] = np.arange(len(above))
    orders: list[np.ndarray | None] = []
    for name in names:
        rows = history.sorted_rows(name)
        if rows is None:
            orders.append(None)
            continue
        mapped = position[rows]
        orders.append(mapped[mapped >= 0])
    return orders


def split(
    history: TrialHistory, rows: np.ndarray, settings: Settings, memo_key: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the good trials and of the others among ``rows`` (ascending), each ordered by trial number.

    ``memo_key``, if given, names the sequence ``rows`` belongs to: a later call with the same key must
    pass the same rows followed by new ones (as :meth:`TrialHistory.table` returns them), which lets the
    single-objective split look only at the new rows and the previous good ones.
    """
    gamma = settings.gamma or (default_gamma_multiobjective if settings.multi_objective else default_gamma)
    n_below = max(0, min(int(gamma(len(rows))), len(rows)))
    if settings.multi_objective:
        is_below = _multi_objective_below(history, rows, n_below)
    elif not history.constrained and (history.n_complete == history.n or history.complete[rows].all()):
        best = _lowest_losses(history, rows, n_below, memo_key)
        if history.in_number_order:  # the usual case: rows already in trial order
            return rows[best], np.delete(rows, best)
        is_below = np.zeros(len(rows), dtype=bool)
        is_below[best] = True
    else:
        order = single_objective_order(
            history.complete[rows],
            history.loss[rows, 0],
            history.pruned_step[rows],
            history.pruned_loss[rows],
            history.violation[rows] if history.constrained else None,
        )
        is_below = np.zeros(len(rows), dtype=bool)
        is_below[order[:n_below]] = True
    numbers = history.numbers[rows]
    if history.in_number_order or np.all(numbers[1:] > numbers[:-1]):
        return rows[is_below], rows[~is_below]
    by_number = np.argsort(numbers, kind="stable")
    return rows[by_number[is_below[by_number]]], rows[by_number[~is_below[by_number]]]


def _lowest_losses(history: TrialHistory, rows: np.ndarray, k: int, memo_key: str | None) -> np.ndarray:
    """Positions in ``rows`` (all COMPLETE, one objective) of the first ``k`` of a stable sort by loss.

    With a ``memo_key`` (see :func:`split`) only the previous result and the rows added since are
    compared: a row that was not among the best ``k`` then is beaten by ``k`` rows that are still there.
    """
    state = history.memo.get("lowest:" + memo_key) if memo_key is not None else None
    if isinstance(state, tuple) and state[0] <= len(rows) and len(state[1]) >= k:
        candidates = np.concatenate([state[1], np.arange(state[0], len(rows))])  # ascending
    else:
        candidates = np.arange(len(rows))
    best = candidates[first_k_stable(history.loss[rows[candidates], 0], k)]
    if memo_key is not None:
        history.memo["lowest:" + memo_key] = (len(rows), best)
    return best


def first_k_stable(loss: np.ndarray, k: int) -> np.ndarray:
    """Mask of the first ``k`` of ``argsort(loss, kind="stable")`` (NaN last), in O(n) instead of a sort."""
    values = np.where(np.isnan(loss), np.inf, loss)
    mask = np.zeros(len(values), dtype=bool)
    if k >= len(values):
        mask[:] = True
        return mask
    if k <= 0:
        return mask
    kth = np.partition(values, k - 1)[k - 1]
    mask = values < kth
    ties = np.flatnonzero(values == kth)
    mask[ties[: k - int(mask.sum())]] = True
    return mask


def _multi_objective_below(history: TrialHistory, rows: np.ndarray, n_below: int) -> np.ndarray:
    """Pareto-rank split (feasible trials first), memoised on the history: univariate TPE asks for it
    once per parameter."""
    key = (history.version, n_below, rows.tobytes())
    if history.memo.get("below_key") == key:
        return history.memo["below"]
    complete = history.complete[rows]
    done = rows[complete]
    is_below = np.zeros(len(rows), dtype=bool)
    n_below = min(n_below, len(done))
    if history.constrained:  # the feasible rows' front is not the history's: no incremental memo
        chosen = constrained_below(history.loss[done], history.violation[done], n_below)
    else:
        chosen = multi_objective_below(history.loss[done], n_below, history.memo)
    is_below[np.flatnonzero(complete)] = chosen
    history.memo.update(below_key=key, below=is_below)
    return is_below


def running_observations(
    running: list[FrozenTrial], exclude_number: int, space: dict[str, BaseDistribution], names: list[str]
) -> tuple[np.ndarray, list[int]]:
    """Internal values of the RUNNING trials (other than ``exclude_number``) that hold all of ``names``."""
    rows, numbers = [], []
    for other in running:
        if other.number == exclude_number or not all(n in other.params for n in names):
            continue
        try:
            rows.append([space[n].to_internal_repr(other.params[n]) for n in names])
        except ValueError:  # a value that does not fit today's distribution is not comparable
            continue
        numbers.append(other.number)
    return np.asarray(rows, dtype=float).reshape(len(rows), len(names)), numbers


def call_weights(weights: Callable[[int], Any] | None, n: int) -> np.ndarray:
    """``weights(n)`` checked: ``n`` finite non-negative numbers, not all zero."""
    if weights is None:
        return default_weights(n)  # valid by construction
    w = np.asarray(weights(n), dtype=float).reshape(-1)[:n]
    if w.shape != (n,) or np.any(w < 0) or not np.all(np.isfinite(w)) or (n > 0 and w.sum() <= 0):
        raise ValueError(
            f"`weights({n})` must return {n} finite non-negative numbers, not all zero; got {w!r}."
        )
    return w


def to_external(dist: BaseDistribution, value: float) -> Any:
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[int(value)]
    if isinstance(dist, IntDistribution):
        return int(round(value))
    return float(value)
