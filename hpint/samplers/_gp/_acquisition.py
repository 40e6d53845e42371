"""Maximising the acquisition (log-EI, times the probability of feasibility) over the encoded space.

Two stages, both deterministic given the generator: score many candidates at once (uniform points plus
perturbations of the best observed points), then polish the best few with L-BFGS-B along the numerical
columns, using the acquisition's analytic gradient. Categorical columns stay as the candidate had them; grid
columns are optimised relaxed and rounded afterwards, and every final contender is scored after rounding.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hpint.samplers._gp._kernel import matern52_grad_x
from hpint.samplers._gp._model import GPModel
from hpint.samplers._gp._normal import log_ei, log_ei_and_grads, log_pf_and_grads
from hpint.samplers._gp._space import EncodedSpace

N_UNIFORM = 1024
N_PER_INCUMBENT = 64
N_INCUMBENTS = 5
N_LOCAL = 5
LOCAL_SCALE = 0.1


@dataclasses.dataclass(frozen=True)
class Acquisition:
    """``log EI(x) + sum_i log P(c_i(x) <= threshold_i)``, to maximise.

    ``objective`` is the objective's model and the incumbent (with constraints, the best feasible value);
    ``constraints`` a model and threshold per constraint. Without constraints this is the plain log-EI;
    before any trial is feasible there is no incumbent, ``objective`` is None and only feasibility counts.
    """

    objective: tuple[GPModel, float] | None
    constraints: tuple[tuple[GPModel, float], ...] = ()

    def value(self, x: np.ndarray) -> np.ndarray:
        """The acquisition at the rows of ``x`` (no gradient; for scoring many candidates)."""
        if self.objective is None:
            total = np.zeros(len(x))
        else:
            model, best = self.objective
            total = log_ei_at(model, x, best)
        for constraint, threshold in self.constraints:
            mean, var = constraint.posterior(x)
            total = total + log_pf_and_grads(mean, np.sqrt(var), threshold)[0]
        return total

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The acquisition at the rows of ``x`` and its gradient: ``(b,)``, ``(b, D)``."""
        if self.objective is None:
            total, grad = np.zeros(len(x)), np.zeros(x.shape)
        else:
            model, best = self.objective
            total, grad = log_ei_with_grad(model, x, best)
        for constraint, threshold in self.constraints:
            value, dx = log_pf_with_grad(constraint, x, threshold)
            total, grad = total + value, grad + dx
        return total, grad


def log_ei_at(model: GPModel, x: np.ndarray, best: float) -> np.ndarray:
    """log-EI of the rows of ``x`` (no gradient; for scoring many candidates)."""
    mean, var = model.posterior(x)
    return log_ei(mean, np.sqrt(var), best)


def log_ei_with_grad(model: GPModel, x: np.ndarray, best: float) -> tuple[np.ndarray, np.ndarray]:
    """log-EI of the rows of ``x`` and its gradient with respect to each row: ``(b,)``, ``(b, D)``."""
    mean, var, dmean, dvar = posterior_with_grad(model, x)
    sigma = np.sqrt(var)
    value, dmu, dsigma = log_ei_and_grads(mean, sigma, best)
    return value, _chain(dmu, dsigma, sigma, dmean, dvar)


def log_pf_with_grad(model: GPModel, x: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """``log P(c(x) <= threshold)`` at the rows of ``x`` and its gradient: ``(b,)``, ``(b, D)``."""
    mean, var, dmean, dvar = posterior_with_grad(model, x)
    sigma = np.sqrt(var)
    value, dmu, dsigma = log_pf_and_grads(mean, sigma, threshold)
    return value, _chain(dmu, dsigma, sigma, dmean, dvar)


def posterior_with_grad(
    model: GPModel, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Posterior mean and variance at the rows of ``x``, and their gradients in ``x``: ``(b, D)`` each."""
    from scipy.linalg import cho_solve

    mean, var = model.posterior(x)
    jac = matern52_grad_x(x, model.x, model.inv_sq_lengthscales, model.variance)  # (b, n, D)
    k = model.variance * _corr(model, x)
    kinv_k = cho_solve((model.chol, True), k.T)  # (n, b)
    dmean = np.einsum("bnd,n->bd", jac, model.alpha)
    dvar = -2.0 * np.einsum("bnd,nb->bd", jac, kinv_k)
    return mean, var, dmean, dvar


def _chain(
    dmu: np.ndarray, dsigma: np.ndarray, sigma: np.ndarray, dmean: np.ndarray, dvar: np.ndarray
) -> np.ndarray:
    """Gradient in ``x`` of a function of ``(mean, sigma)``, from its partials and those of the posterior."""
    return dmu[:, None] * dmean + (dsigma / (2.0 * sigma))[:, None] * dvar


def _corr(model: GPModel, x: np.ndarray) -> np.ndarray:
    from hpint.samplers._gp._kernel import matern52_from_sq, squared_distances

    return matern52_from_sq(squared_distances(x, model.x, model.inv_sq_lengthscales))


def candidates(space: EncodedSpace, rng: np.random.RandomState, incumbents: np.ndarray) -> np.ndarray:
    """Uniform rows plus Gaussian perturbations of ``incumbents`` (categoricals resampled sometimes)."""
    uniform = space.sample(rng, N_UNIFORM)
    if len(incumbents) == 0:
        return uniform
    base = np.repeat(incumbents, N_PER_INCUMBENT, axis=0)
    noise = rng.normal(0.0, LOCAL_SCALE, size=base.shape) * space.numerical
    local = np.clip(base + noise, 0.0, 1.0)
    fresh = space.sample(rng, len(base))
    for cols in space.slices:
        if not space.numerical[cols.start]:  # a categorical block: sometimes try another choice
            swap = rng.uniform(size=len(base)) < 1.0 / len(space.dists)
            local[swap, cols] = fresh[swap, cols]
    return np.vstack([uniform, space.round(local)])


def maximize(
    acquisition: Acquisition, space: EncodedSpace, rng: np.random.RandomState, incumbents: np.ndarray
) -> np.ndarray:
    """The (rounded) row with the largest acquisition found."""
    pool = candidates(space, rng, incumbents)
    scores = acquisition.value(pool)
    order = np.argsort(-scores, kind="stable")
    contenders = [pool[order[0]]]
    contender_scores = [scores[order[0]]]
    if space.numerical.any():
        for start in pool[order[:N_LOCAL]]:
            polished = space.round(_polish(acquisition, start, space.numerical)[None])[0]
            contenders.append(polished)
            contender_scores.append(acquisition.value(polished[None])[0])
    return contenders[int(np.argmax(contender_scores))]


def _polish(acquisition: Acquisition, start: np.ndarray, free: np.ndarray) -> np.ndarray:
    """L-BFGS-B on the ``free`` columns of ``start`` (kept in ``[0, 1]``)."""
    from scipy.optimize import minimize

    def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
        x = start.copy()
        x[free] = z
        value, grad = acquisition.value_and_grad(x[None])
        return -float(value[0]), -grad[0, free]

    result = minimize(
        objective,
        start[free],
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0)] * int(free.sum()),
        options={"maxiter": 50},
    )
    out = start.copy()
    if np.all(np.isfinite(result.x)):
        out[free] = result.x
    return out
