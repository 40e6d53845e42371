"""Constrained single-objective benchmarks: the best feasible value found, per problem and sampler.

Problems (both minimised, constraints ``<= 0``):

- ``disk``: ``x^2 + y^2`` subject to ``x + y >= 1`` on ``[-2, 2]^2``; the optimum is 0.5, on the
  boundary, while the free minimum (0) is infeasible.
- ``hartmann6``: Hartmann-6 subject to ``sum(x) <= 2`` and ``||x||_2 >= 0.5`` on ``[0, 1]^6``. About 9%
  of the cube is feasible, and the free minimum (-3.32, ``sum(x) = 2.07``) is not.

Samplers: hpint's GP and TPE with ``constraints_func``, and Optuna's GP with ``constraints_func`` when
Optuna is installed (its deprecation warning silenced). Each table row: the best feasible value after the
budget (mean +- standard error / median over the seeds that found a feasible trial), how many seeds found
one, the share of feasible trials, and milliseconds per trial (whole ``optimize`` loop).

    python benchmarks/constrained.py                        # both problems, seeds 0-4
    python benchmarks/constrained.py --problems disk --seeds 10 --samplers hpint-gp hpint-tpe
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _functions import hartmann6_value  # noqa: E402  (this folder: the scripts run from it)


def _disk(params: dict[str, float]) -> tuple[float, list[float]]:
    x, y = params["x"], params["y"]
    return x * x + y * y, [1.0 - x - y]


def _hartmann6(params: dict[str, float]) -> tuple[float, list[float]]:
    x = np.array([params[f"x{i}"] for i in range(6)])
    return hartmann6_value(x), [float(x.sum() - 2.0), float(0.5 - np.linalg.norm(x))]


Problem = Callable[[dict[str, float]], tuple[float, list[float]]]
# name -> (parameter names, low, high, function, trials)
PROBLEMS: dict[str, tuple[list[str], float, float, Problem, int]] = {
    "disk": (["x", "y"], -2.0, 2.0, _disk, 30),
    "hartmann6": ([f"x{i}" for i in range(6)], 0.0, 1.0, _hartmann6, 50),
}


def _constraints(trial: Any) -> Sequence[float]:
    return trial.user_attrs["c"]


def _make_sampler(lib: Any, name: str, seed: int) -> Any:
    if name.endswith("-gp"):
        return lib.samplers.GPSampler(seed=seed, constraints_func=_constraints)
    return lib.samplers.TPESampler(seed=seed, constraints_func=_constraints)


def run(problem: str, sampler_name: str, seed: int) -> tuple[float, float, float]:
    """``(best feasible value or nan, share of feasible trials, ms per trial)`` of one run."""
    names, low, high, func, n_trials = PROBLEMS[problem]
    if sampler_name.startswith("optuna"):
        import optuna as lib

        optuna_logging = lib.logging
    else:
        import hpint as lib

        optuna_logging = lib.logging
    optuna_logging.set_verbosity(optuna_logging.WARNING)

    def objective(trial: Any) -> float:
        value, constraints = func({n: trial.suggest_float(n, low, high) for n in names})
        trial.set_user_attr("c", constraints)
        return value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = lib.create_study(sampler=_make_sampler(lib, sampler_name, seed))
        start = time.perf_counter()
        study.optimize(objective, n_trials=n_trials)
        elapsed = time.perf_counter() - start
    feasible = [t.value for t in study.trials if all(c <= 0 for c in t.user_attrs["c"])]
    best = min(feasible) if feasible else math.nan
    return best, len(feasible) / n_trials, 1000.0 * elapsed / n_trials


def _summary(values: list[float]) -> str:
    found = [v for v in values if not math.isnan(v)]
    if not found:
        return "-"
    se = float(np.std(found, ddof=1) / math.sqrt(len(found))) if len(found) > 1 else math.nan
    return f"{np.mean(found):.4g} +- {se:.2g} / {np.median(found):.4g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    parser.add_argument("--samplers", nargs="+", default=["hpint-gp", "optuna-gp", "hpint-tpe"])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0 .. N-1")
    args = parser.parse_args()
    print("| problem (trials) | sampler | best feasible | seeds with one | feasible share | ms/trial |")
    print("|---|---|---|---|---|---|")
    for problem in args.problems:
        for sampler_name in args.samplers:
            runs = [run(problem, sampler_name, seed) for seed in range(args.seeds)]
            best = [r[0] for r in runs]
            n_found = sum(not math.isnan(b) for b in best)
            share = np.mean([r[1] for r in runs])
            ms = np.mean([r[2] for r in runs])
            print(
                f"| {problem} ({PROBLEMS[problem][4]}) | {sampler_name} | {_summary(best)} | "
                f"{n_found}/{len(runs)} | {share:.0%} | {ms:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
