"""Maximising log expected improvement over the encoded search space.

Two stages, both deterministic given the generator: score many candidates at once (uniform points plus
perturbations of the best observed points), then polish the best few with L-BFGS-B along the numerical
columns, using the analytic gradient of log-EI. Categorical columns stay as the candidate had them; grid
columns are optimised relaxed and rounded afterwards, and every final contender is scored after rounding.
"""

from __future__ import annotations

import numpy as np

from hpint.samplers._gp._kernel import matern52_grad_x
from hpint.samplers._gp._model import GPModel
from hpint.samplers._gp._normal import log_ei, log_ei_and_grads
from hpint.samplers._gp._space import EncodedSpace

N_UNIFORM = 1024
N_PER_INCUMBENT = 64
N_INCUMBENTS = 5
N_LOCAL = 5
LOCAL_SCALE = 0.1


def log_ei_at(model: GPModel, x: np.ndarray, best: float) -> np.ndarray:
    """log-EI of the rows of ``x`` (no gradient; for scoring many candidates)."""
    mean, var = model.posterior(x)
    return log_ei(mean, np.sqrt(var), best)


def log_ei_with_grad(model: GPModel, x: np.ndarray, best: float) -> tuple[np.ndarray, np.ndarray]:
    """log-EI of the rows of ``x`` and its gradient with respect to each row: ``(b,)``, ``(b, D)``."""
    from scipy.linalg import cho_solve

    mean, var = model.posterior(x)
    jac = matern52_grad_x(x, model.x, model.inv_sq_lengthscales, model.variance)  # (b, n, D)
    k = model.variance * _corr(model, x)
    kinv_k = cho_solve((model.chol, True), k.T)  # (n, b)
    dmean = np.einsum("bnd,n->bd", jac, model.alpha)
    dvar = -2.0 * np.einsum("bnd,nb->bd", jac, kinv_k)
    sigma = np.sqrt(var)
    value, dmu, dsigma = log_ei_and_grads(mean, sigma, best)
    return value, dmu[:, None] * dmean + (dsigma / (2.0 * sigma))[:, None] * dvar


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
    model: GPModel, space: EncodedSpace, rng: np.random.RandomState, best: float, incumbents: np.ndarray
) -> np.ndarray:
    """The (rounded) row with the largest log-EI found."""
    pool = candidates(space, rng, incumbents)
    scores = log_ei_at(model, pool, best)
    order = np.argsort(-scores, kind="stable")
    contenders = [pool[order[0]]]
    contender_scores = [scores[order[0]]]
    if space.numerical.any():
        for start in pool[order[:N_LOCAL]]:
            polished = space.round(_polish(model, start, space.numerical, best)[None])[0]
            contenders.append(polished)
            contender_scores.append(log_ei_at(model, polished[None], best)[0])
    return contenders[int(np.argmax(contender_scores))]


def _polish(model: GPModel, start: np.ndarray, free: np.ndarray, best: float) -> np.ndarray:
    """L-BFGS-B on the ``free`` columns of ``start`` (kept in ``[0, 1]``)."""
    from scipy.optimize import minimize

    def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
        x = start.copy()
        x[free] = z
        value, grad = log_ei_with_grad(model, x[None], best)
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
