"""Parameter importances and their cost: hpint.importance next to optuna.importance on the same trials.

Run: ``python benchmarks/importance.py``. Optuna's evaluators need scikit-learn; without Optuna only
hpint's columns are printed. Every evaluator is seeded; the numbers are normalized importances.
PED-ANOVA ranks what sets the top 10% of trials apart, not the whole surface, so it is not expected to
match the main effects.
"true main eff." is the objective's own main-effect variance shares (normalized to sum to 1),
estimated from 100,000 fresh draws.
"""

from __future__ import annotations

import importlib
import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

Spec = tuple[str, str, Any]  # (name, kind, argument): kind in float / log / int / cat


def _mixed_objective(p: dict[str, Any]) -> float:
    optimizer_effect = {"sgd": 1.0, "adam": 0.0, "rmsprop": 0.3}[p["optimizer"]]
    noise_free = (math.log10(p["lr"]) + 2.5) ** 2 + 0.3 * p["layers"] + optimizer_effect
    return noise_free + 0.5 * p["dropout"] ** 2 + 0.1 * p["f0"] * p["f1"]


STUDIES: list[tuple[str, int, list[Spec], Callable[[dict[str, Any]], float]]] = [
    (
        "10x + y^2 + cat, z irrelevant",
        200,
        [("x", "float", (-1, 1)), ("y", "float", (-1, 1)), ("z", "float", (-1, 1)), ("c", "cat", "abc")],
        lambda p: 10 * p["x"] + p["y"] ** 2 + {"a": 0.0, "b": 3.0, "c": -2.0}[p["c"]],
    ),
    (
        "log lr, int, cat + 7 floats",
        1000,
        [
            ("lr", "log", (1e-5, 1e-1)),
            ("layers", "int", (1, 8)),
            ("optimizer", "cat", ("sgd", "adam", "rmsprop")),
            ("dropout", "float", (0, 1)),
        ]
        + [(f"f{i}", "float", (0, 1)) for i in range(6)],
        _mixed_objective,
    ),
    (
        "interaction x*y + 0.2 w",
        100,
        [("x", "float", (-1, 1)), ("y", "float", (-1, 1)), ("w", "float", (-1, 1))],
        lambda p: p["x"] * p["y"] + 0.2 * p["w"],
    ),
]


def _draw(specs: list[Spec], n: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, kind, arg in specs:
        if kind == "float":
            values: list[Any] = list(rng.uniform(*arg, n))
        elif kind == "log":
            values = list(np.exp(rng.uniform(math.log(arg[0]), math.log(arg[1]), n)))
        elif kind == "int":
            values = [int(v) for v in rng.integers(arg[0], arg[1] + 1, n)]
        else:
            values = [arg[i] for i in rng.integers(0, len(arg), n)]
        for row, value in zip(rows, values):
            row[name] = float(value) if kind in ("float", "log") else value
    return rows


def _reference(specs: list[Spec], objective: Callable, n: int = 100_000) -> dict[str, float]:
    """Main-effect shares of the true function, normalized: Var(E[f | p]) by binning p over many draws.

    The variance of the bin means is debiased by the noise it gets from the other parameters.
    """
    rows = _draw(specs, n, np.random.default_rng(1))
    f = np.array([objective(r) for r in rows])
    shares = {}
    for name, kind, arg in specs:
        raw = [r[name] for r in rows]
        if kind in ("int", "cat"):
            codes = np.unique(np.array(raw, dtype=object).astype(str), return_inverse=True)[1].ravel()
        else:
            values = np.log(raw) if kind == "log" else np.array(raw)
            low, high = (math.log(arg[0]), math.log(arg[1])) if kind == "log" else arg
            codes = np.minimum(((values - low) / (high - low) * 100).astype(int), 99)
        count = np.bincount(codes)
        means = np.bincount(codes, f) / np.maximum(count, 1)
        between = count @ (means - f.mean()) ** 2 / n
        within = ((f - means[codes]) ** 2).sum() / (n - len(count))
        shares[name] = max(float(between - (len(count) - 1) * within / n), 0.0)
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


def _build(lib: Any, specs: list[Spec], rows: list[dict[str, Any]], objective: Callable) -> Any:
    """The same trials as a study of ``lib`` (hpint or optuna)."""
    d = lib.distributions
    dists = {}
    for name, kind, arg in specs:
        if kind == "cat":
            dists[name] = d.CategoricalDistribution(list(arg))
        elif kind == "int":
            dists[name] = d.IntDistribution(*arg)
        else:
            dists[name] = d.FloatDistribution(*arg, log=kind == "log")
    lib.logging.set_verbosity(lib.logging.WARNING)
    study = lib.create_study()
    study.add_trials(
        [lib.trial.create_trial(params=r, distributions=dists, value=objective(r)) for r in rows]
    )
    return study


def _timed(lib: Any, study: Any, evaluator: str) -> tuple[dict[str, float], float]:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = getattr(lib.importance, evaluator)
        kwargs = {} if evaluator.startswith("PedAnova") else {"seed": 0}
        result = lib.importance.get_param_importances(study, evaluator=cls(**kwargs))
    return {k: float(v) for k, v in result.items()}, time.perf_counter() - start


def main() -> None:
    importlib.import_module("hpint.importance")  # until hpint lists it among its lazy submodules
    libs = {"hpint": importlib.import_module("hpint")}
    try:
        importlib.import_module("sklearn")
        libs["optuna"] = importlib.import_module("optuna")
    except ImportError:
        libs.pop("optuna", None)
        print("optuna or scikit-learn not installed: hpint only.\n")
    evaluators = {
        "fANOVA": "FanovaImportanceEvaluator",
        "MDI": "MeanDecreaseImpurityImportanceEvaluator",
        "PED": "PedAnovaImportanceEvaluator",
    }
    columns = [(ev, lib) for ev in evaluators for lib in libs]
    header = f"{'param':<10}{'true main eff.':>15}" + "".join(f"{ev + ' ' + lib:>14}" for ev, lib in columns)
    for title, n, specs, objective in STUDIES:
        rows = _draw(specs, n, np.random.default_rng(0))
        results = {}
        for lib_name, lib in libs.items():
            study = _build(lib, specs, rows, objective)
            for ev, cls in evaluators.items():
                results[ev, lib_name] = _timed(lib, study, cls)
        print(f"## {title}: {n} trials x {len(specs)} params")
        print(header)
        first = results[columns[0]][0]
        reference = _reference(specs, objective)
        for name in first:
            print(
                f"{name:<10}{reference[name]:>15.4f}"
                + "".join(f"{results[c][0].get(name, float('nan')):>14.4f}" for c in columns)
            )
        print(f"{'seconds':<10}{'':>15}" + "".join(f"{results[c][1]:>14.3f}" for c in columns) + "\n")


if __name__ == "__main__":
    main()
