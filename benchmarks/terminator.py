"""When the terminator stops a study: hpint.terminator next to optuna.terminator on the same trials.

Run: ``python benchmarks/terminator.py [--seeds N] [--quick]``. Without Optuna only hpint's rows are printed;
without scikit-learn the digits problem is skipped.

Each problem's trials (parameters and per-fold scores) are generated once per seed by hpint's TPE and
then replayed, in the same order, into a study of each library through ``enqueue_trial``, with that
library's ``TerminatorCallback`` attached. So both libraries see identical trials and the stop trial differs
only by the terminator. Columns: the trial after which the callback stopped the study ("-" = it never did
within the budget), the best value then, for the quadratic the true (noise-free) regret of that best trial,
the improvement and error the terminator compared at its last call, and the mean cost of one callback call
once ``min_n_trials`` trials are complete (the calls before return at once).

Problems:
- "quadratic": ``sum((x_i - 0.3)^2)`` over ``[-1, 1]^3``, minimised; the objective is the mean of 5 "fold"
  scores, each the true value plus N(0, 0.1^2) noise, recorded with ``report_cross_validation_scores``.
- "digits SVC": an RBF SVC on scikit-learn's bundled ``load_digits``, C and gamma on log scales, mean 5-fold
  accuracy maximised (few trials: 40).
"""

from __future__ import annotations

import argparse
import importlib
import math
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

Spec = tuple[str, float, float, bool]  # name, low, high, log
Trajectory = list[tuple[dict[str, float], list[float]]]  # (params, fold scores) per trial

QUADRATIC_SPECS: list[Spec] = [(f"x{i}", -1.0, 1.0, False) for i in range(3)]
DIGITS_SPECS: list[Spec] = [("C", 1e-3, 1e3, True), ("gamma", 1e-5, 1e-1, True)]
N_FOLDS = 5
FOLD_NOISE = 0.1


def _quadratic_true(params: dict[str, float]) -> float:
    return sum((params[f"x{i}"] - 0.3) ** 2 for i in range(3))


def _suggest(trial: Any, specs: list[Spec]) -> dict[str, float]:
    return {name: trial.suggest_float(name, low, high, log=log) for name, low, high, log in specs}


def _quadratic_trajectory(seed: int, n_trials: int) -> Trajectory:
    import hpint

    rng = np.random.RandomState(seed)
    out: Trajectory = []

    def objective(trial: Any) -> float:
        params = _suggest(trial, QUADRATIC_SPECS)
        scores = list(_quadratic_true(params) + rng.normal(0.0, FOLD_NOISE, N_FOLDS))
        out.append((params, scores))
        return float(np.mean(scores))

    hpint.create_study(sampler=hpint.samplers.TPESampler(seed=seed)).optimize(objective, n_trials=n_trials)
    return out


def _digits_trajectory(seed: int, n_trials: int) -> Trajectory:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.svm import SVC

    import hpint

    x, y = load_digits(return_X_y=True)
    out: Trajectory = []

    def objective(trial: Any) -> float:
        params = _suggest(trial, DIGITS_SPECS)
        folds = KFold(n_splits=N_FOLDS, shuffle=True, random_state=seed * 1000 + trial.number)
        scores = [float(s) for s in cross_val_score(SVC(**params), x, y, cv=folds)]
        out.append((params, scores))
        return float(np.mean(scores))

    study = hpint.create_study(direction="maximize", sampler=hpint.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return out


def _recording(lib: Any, base: str, inner: Any) -> Any:
    """``inner`` wrapped in a subclass of ``lib.terminator.<base>`` that remembers its last value."""

    def evaluate(self: Any, trials: Any, study_direction: Any) -> float:
        self.last = inner.evaluate(trials, study_direction)
        return self.last

    cls = type(f"Recording{base}", (getattr(lib.terminator, base),), {"evaluate": evaluate})
    wrapper = cls()
    wrapper.last = math.nan
    return wrapper


def _replay(lib: Any, trajectory: Trajectory, specs: list[Spec], direction: str, rule: Callable) -> dict:
    """Run the trials of ``trajectory`` in a ``lib`` study with ``rule(lib)``'s terminator attached."""
    improvement, error, min_n_trials = rule(lib)
    improvement = _recording(lib, "BaseImprovementEvaluator", improvement)
    error = _recording(lib, "BaseErrorEvaluator", error)
    terminator = lib.terminator.Terminator(improvement, error, min_n_trials=min_n_trials)
    callback = lib.terminator.TerminatorCallback(terminator)
    costs: list[float] = []

    def timed(study: Any, trial: Any) -> None:
        start = time.perf_counter()
        callback(study, trial)
        if trial.number + 1 >= min_n_trials:
            costs.append(time.perf_counter() - start)

    def objective(trial: Any) -> float:
        _suggest(trial, specs)
        scores = trajectory[trial.number][1]
        lib.terminator.report_cross_validation_scores(trial, scores)
        return float(np.mean(scores))

    study = lib.create_study(direction=direction, sampler=lib.samplers.RandomSampler(seed=0))
    for params, _ in trajectory:
        study.enqueue_trial(params)
    study.optimize(objective, n_trials=len(trajectory), callbacks=[timed])
    n_run = sum(t.state.is_finished() for t in study.trials)  # enqueued trials left are WAITING
    return {
        "stop": n_run - 1 if n_run < len(trajectory) else None,
        "best": study.best_value,
        "best_params": study.best_params,
        "improvement": improvement.last,
        "error": error.last,
        "ms_per_call": 1e3 * statistics.mean(costs) if costs else math.nan,
    }


def _regret_bound_rule(lib: Any) -> tuple[Any, Any, int]:
    t = lib.terminator
    return t.RegretBoundEvaluator(seed=0), t.CrossValidationErrorEvaluator(), 20


def _emmr_rule(lib: Any) -> tuple[Any, Any, int]:
    t = lib.terminator
    emmr = t.EMMREvaluator(seed=0)
    return emmr, t.MedianErrorEvaluator(emmr), 20


def _stagnation_rule(lib: Any) -> tuple[Any, Any, int]:
    t = lib.terminator
    return t.BestValueStagnationEvaluator(max_stagnation_trials=20), t.StaticErrorEvaluator(0), 20


RULES = {
    "RegretBound vs CV error (default)": _regret_bound_rule,
    "EMMR vs MedianError": _emmr_rule,
    "BestValueStagnation(20) vs 0": _stagnation_rule,
}


def _row(problem: str, rule: str, lib: str, runs: list[dict], true_regret: bool) -> str:
    stops = [r["stop"] for r in runs]
    stop_text = " ".join("-" if s is None else str(s) for s in stops)
    best = statistics.mean(r["best"] for r in runs)
    regret = statistics.mean(_quadratic_true(r["best_params"]) for r in runs) if true_regret else math.nan
    imp = " ".join(f"{r['improvement']:.3g}" for r in runs)
    err = " ".join(f"{r['error']:.3g}" for r in runs)
    cost = statistics.mean(r["ms_per_call"] for r in runs)
    regret_text = f"{regret:.4f}" if true_regret else "-"
    cells = [problem, rule, lib, stop_text, f"{best:.4f}", regret_text, imp, err, f"{cost:.1f}"]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per problem (default 3)")
    parser.add_argument("--quick", action="store_true", help="fewer trials, the default rule only")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # Optuna's deprecation and experimental warnings
    libs = {"hpint": importlib.import_module("hpint")}
    try:
        libs["optuna"] = importlib.import_module("optuna")
    except ImportError:
        print("optuna not installed: hpint only.\n")
    for lib in libs.values():
        lib.logging.set_verbosity(lib.logging.WARNING)
        importlib.import_module(f"{lib.__name__}.terminator")
    problems: list[tuple[str, Callable[[int, int], Trajectory], list[Spec], str, int]] = [
        ("quadratic", _quadratic_trajectory, QUADRATIC_SPECS, "minimize", 60 if args.quick else 120)
    ]
    try:
        importlib.import_module("sklearn")
        problems.append(("digits SVC", _digits_trajectory, DIGITS_SPECS, "maximize", 40))
    except ImportError:
        print("scikit-learn not installed: no digits problem.\n")
    rules = dict(list(RULES.items())[:1]) if args.quick else RULES
    print(f"seeds 0-{args.seeds - 1}; stop trial and last improvement / error per seed, the rest averaged\n")
    columns = ["problem", "rule", "library", "stopped after trial", "best value", "true regret"]
    columns += ["improvement", "error", "ms/call"]
    print("| " + " | ".join(columns) + " |\n" + "|---" * len(columns) + "|")
    for problem, make, specs, direction, n_trials in problems:
        trajectories = [make(seed, n_trials) for seed in range(args.seeds)]
        for rule_name, rule in rules.items():
            for lib_name, lib in libs.items():
                runs = [_replay(lib, traj, specs, direction, rule) for traj in trajectories]
                print(
                    _row(f"{problem} ({n_trials})", rule_name, lib_name, runs, problem == "quadratic"),
                    flush=True,
                )


if __name__ == "__main__":
    main()
