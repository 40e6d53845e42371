"""TPE's choice among candidates, ``argmax(log l(x) - log g(x))``, without summing every kernel's density.

On a long history g(x) has thousands of kernels, and at any one candidate most of them (two thirds to
nine tenths, depending on how concentrated the search is) are dozens of log units below the largest: they
hardly move the sum, yet the full log-sum-exp pays an exponential for each (a slow one where the result
underflows). So the densities are
first computed from the terms within ``_CUTOFF`` log units of each row's largest, with a rigorous bound
on how far that can be from the full computation (rounding included, see :func:`_truncated`); their
terms come from a blockwise matrix product that BLAS keeps on one thread (see
``ParzenEstimator.log_terms_and_error``). Candidates whose score cannot reach the best one's, even with
both bounds, cannot be the full computation's choice; the few that can (usually just the best; near-ties,
e.g. candidates from the prior kernel, whose scores are equal up to rounding) are compared with their
densities computed in full (``ParzenEstimator.log_pdf`` of those rows only). The choice is therefore the
one the full densities give, up to how the product rounds with fewer rows (``test_tpe_ratio.py``).
"""

from __future__ import annotations

import math

import numpy as np

from hpint.samplers._tpe._parzen import ParzenEstimator

_CUTOFF = 20.0  # log units: each left-out term weighs less than e^-19 of the row's largest
_MIN_KERNELS = 256  # below this the full log-sum-exp is cheap; the bookkeeping would not pay
_U = 2.0**-53  # unit roundoff of float64
_EXP32 = 2.0 * (_CUTOFF * 2.0**-24 + 8 * 2.0**-23)  # float32 exp of an argument in [-C, 0], relative
_MAX_PEAK = 1e12  # larger log terms make the rounding of ``peak - _CUTOFF`` matter; compute in full


def best_candidate(good: ParzenEstimator, rest: ParzenEstimator, candidates: np.ndarray) -> int:
    """``int(np.argmax(good.log_pdf(candidates) - rest.log_pdf(candidates)))``, computed more cheaply."""
    g, g_bound, g_estimated = _estimate(good, candidates)
    r, r_bound, r_estimated = _estimate(rest, candidates)
    score = g - r
    if not (g_estimated or r_estimated):
        return int(np.argmax(score))
    # |score - the full computation's score|: both densities' bounds, plus the subtraction's rounding
    bound = 2.0 * (g_bound + r_bound + 4.0 * _U * (np.abs(score) + 1.0))
    if np.all(np.isfinite(score)):
        best = int(np.argmax(score))
        contenders = np.flatnonzero(score + bound >= score[best] - bound[best])  # the best among them
    else:
        contenders = np.arange(len(score))
    if len(contenders) == 1:
        return int(contenders[0])
    rows = candidates[contenders]  # only these are computed in full: on a long history, a few of 24
    exact_g = good.log_pdf(rows) if g_estimated else g[contenders]
    exact_r = rest.log_pdf(rows) if r_estimated else r[contenders]
    return int(contenders[np.argmax(exact_g - exact_r)])


def _estimate(est: ParzenEstimator, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """``(values, bound, estimated)``: ``est.log_pdf(x)`` within ``bound``, or exactly if not
    ``estimated`` (``bound`` 0)."""
    if est.n_kernels >= _MIN_KERNELS:
        terms, error = est.log_terms_and_error(x)
        estimate = _truncated(terms)
        if estimate is not None:
            # _truncated bounds its distance from log_sum_exp(terms); that and the full computation
            # (log_pdf of some of the rows) are each within the same bound of the exact log-sum-exps of
            # their terms, which differ by at most ``error`` (the same entries, rounded in other ways)
            return estimate[0], 3.0 * estimate[1] + 1.01 * error, True
    values = est.log_pdf(x)
    return values, np.zeros(len(values)), False


def _truncated(terms: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Log-sum-exp of each row of ``terms`` from its terms within ``_CUTOFF`` of the row's largest, and a
    bound on its distance from :func:`log_sum_exp` of the same ``terms``; None if not applicable.

    The bound, per row with ``K`` terms and largest term ``p`` (the full computation takes
    ``p + log(sum(exp(terms - p)))``; ``u`` is the unit roundoff): the sum of the left-out terms is below
    ``K e^(1 - C)`` (``C`` the cutoff, 1 for rounding), while the full sum is at least 1 (the largest term
    contributes ``exp(0)``); either sum in floating point is within ``(K - 1) u`` relative of its exact
    value, whatever the order of summation, each ``exp`` of the full computation within ``8 u`` relative
    (or 1e-300 absolute, for results that underflow). The kept terms' exponentials are taken in single
    precision (SIMD ``exp`` where double precision has none, several times faster): each argument lies in
    ``[-C, 0]``, so rounding it to float32 moves the result by at most ``C 2^-24`` relative, and float32
    ``exp`` adds a few float32 ulps (``_EXP32``, with room to spare); the sums are taken in double. That
    bounds the relative distance ``rho`` of the two sums, hence ``2 rho / (1 - rho)`` for their logs, plus
    the rounding of ``log`` and of the final addition.
    """
    n_rows, n_terms = terms.shape
    peak = terms.max(axis=1)
    if not np.all(np.isfinite(peak)) or float(np.max(np.abs(peak))) > _MAX_PEAK:
        return None  # infinities or NaN: leave them to the full computation
    gamma = n_terms * _U / (1.0 - n_terms * _U)
    left_out = n_terms * (1.01 * math.exp(1.0 - _CUTOFF) + 1e-300)
    rho = 2.01 * gamma + 17.0 * _U + _EXP32 + 2.0 * left_out + 1e-290
    if rho > 1e-3:  # a huge K: the bound says nothing useful
        return None
    flat = np.flatnonzero(terms > (peak - _CUTOFF)[:, None])  # row by row; each row has its largest
    starts = np.searchsorted(flat, np.arange(n_rows) * n_terms)
    kept = terms.ravel()[flat]
    kept -= np.repeat(peak, np.diff(starts, append=len(flat)))
    single = kept.astype(np.float32)
    np.exp(single, out=single)
    values = peak + np.log(np.add.reduceat(single, starts, dtype=np.float64))
    log_error = 2.0 * rho / (1.0 - rho) + 4.0 * _U * (math.log(n_terms) + 2.0)
    return values, 1.01 * log_error + 2.02 * _U * np.abs(values)
