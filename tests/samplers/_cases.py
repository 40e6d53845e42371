"""The samplers under test and the objectives they are tested on, shared by the sampler test modules.

Every sampler is built by ``factory(seed)`` with settings that let a 20-40 trial test reach its model
(few start-up trials, small populations), since the defaults are tuned for studies of hundreds of trials.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hpint
from hpint.samplers import (
    BaseSampler,
    BruteForceSampler,
    CmaEsSampler,
    GridSampler,
    NSGAIIISampler,
    NSGAIISampler,
    PartialFixedSampler,
    QMCSampler,
    RandomSampler,
    TPESampler,
)

MIXED_CHOICES = (None, True, 1, 0.5, "x", False)


def all_kinds(trial: hpint.Trial, finite: bool = False) -> float:
    """Every kind of distribution once; ``finite`` replaces the continuous floats by stepped ones."""
    f = trial.suggest_float("f", -3.0, 2.0, step=0.5 if finite else None)
    flog = trial.suggest_float("flog", 1e-4, 1.0, log=not finite, step=0.25 if finite else None)
    fstep = trial.suggest_float("fstep", 0.0, 1.0, step=0.1)
    i = trial.suggest_int("i", -4, 7)
    ilog = trial.suggest_int("ilog", 1, 1000, log=True) if not finite else trial.suggest_int("ilog", 1, 4)
    istep = trial.suggest_int("istep", 2, 20, step=3)
    c_none = trial.suggest_categorical("c_none", [None, "a", "b"])
    c_bool = trial.suggest_categorical("c_bool", [True, False])
    c_mixed = trial.suggest_categorical("c_mixed", list(MIXED_CHOICES))
    penalty = (c_none is not None) + (c_bool is False) + (c_mixed != "x")
    return (
        (f - 1) ** 2 + abs(math.log10(flog) + 2) + fstep + abs(i - 3) + abs(ilog - 3) + istep / 10 + penalty
    )


def numeric(trial: hpint.Trial) -> float:
    """Numeric kinds only (for CMA-ES, which hands categorical parameters to a random sampler)."""
    x = trial.suggest_float("x", -3.0, 3.0)
    y = trial.suggest_float("y", 1e-3, 10.0, log=True)
    z = trial.suggest_float("z", 0.0, 1.0, step=0.1)
    n = trial.suggest_int("n", 1, 64, log=True)
    k = trial.suggest_int("k", 0, 30, step=5)
    return x**2 + math.log(y) ** 2 + z + abs(n - 8) / 8 + k / 30


def conditional(trial: hpint.Trial, finite: bool = False) -> float:
    """A define-by-run space: an optimizer with its own parameters, and a variable number of layers."""
    kind = trial.suggest_categorical("optimizer", ["sgd", "adam", None])
    value = 0.0
    if kind == "sgd":
        lr = trial.suggest_float("sgd_lr", 1e-4, 1.0, log=not finite, step=0.25 if finite else None)
        momentum = trial.suggest_float("momentum", 0.0, 0.9, step=0.3)
        value += abs(math.log10(lr) + 1) + momentum
    elif kind == "adam":
        lr = trial.suggest_float("adam_lr", 1e-5, 1e-1, log=not finite, step=0.05 if finite else None)
        value += abs(math.log10(lr) + 3) + trial.suggest_int("beta_exp", 1, 3)
    else:
        value += 5.0
    layers = trial.suggest_int("layers", 1, 3)
    for i in range(layers):
        units = (
            trial.suggest_int(f"units_{i}", 4, 64, log=not finite)
            if not finite
            else trial.suggest_int(f"units_{i}", 4, 64, step=30)
        )
        value += abs(math.log2(units) - 5) / layers
    return value


GRID_ALL_KINDS = {
    "f": [-3.0, 0.5, 2.0],
    "flog": [1e-4, 0.01, 1.0],
    "fstep": [0.0, 0.7, 1.0],
    "i": [-4, 3, 7],
    "ilog": [1, 10, 1000],
    "istep": [2, 11, 20],
    "c_none": [None, "a"],
    "c_bool": [True, False],
    "c_mixed": list(MIXED_CHOICES),
}
GRID_CONDITIONAL = {
    "optimizer": ["sgd", "adam", None],
    "sgd_lr": [1e-3, 0.1],
    "momentum": [0.0, 0.9],
    "adam_lr": [1e-4, 1e-2],
    "beta_exp": [1, 3],
    "layers": [1, 2, 3],
    "units_0": [4, 64],
    "units_1": [8, 16],
    "units_2": [32],
}


@dataclass(frozen=True)
class Case:
    """A sampler under test and what the suite may expect of it."""

    factory: Callable[[int], BaseSampler]
    finite_only: bool = False  # needs every parameter to take finitely many values (BruteForce)
    grid: bool = False  # needs the objective's names in its grid (GridSampler)
    resumable: str | None = "all_kinds"  # objective on which a resumed run continues alike, or None
    multi_objective: bool = True  # False: must refuse a multi-objective study with a ValueError


def _grid(space: dict[str, list[Any]]) -> Callable[[int], BaseSampler]:
    return lambda seed: GridSampler(space, seed=seed)


CASES: dict[str, Case] = {
    # RandomSampler draws from one stream per sampler, like Optuna's: a new sampler restarts the stream.
    "random": Case(lambda s: RandomSampler(seed=s), resumable=None),
    "grid": Case(_grid(GRID_ALL_KINDS), grid=True),
    "partial_fixed": Case(lambda s: PartialFixedSampler({"i": 3}, TPESampler(seed=s, n_startup_trials=5))),
    "brute_force": Case(lambda s: BruteForceSampler(seed=s), finite_only=True),
    "tpe": Case(lambda s: TPESampler(seed=s, n_startup_trials=5, multivariate=False)),
    "tpe_multivariate": Case(lambda s: TPESampler(seed=s, n_startup_trials=5, multivariate=True)),
    "tpe_group": Case(lambda s: TPESampler(seed=s, n_startup_trials=5, multivariate=True, group=True)),
    # Categorical parameters go to CMA-ES's RandomSampler (one stream): resumable on numeric spaces only.
    "cmaes": Case(lambda s: CmaEsSampler(seed=s, n_startup_trials=3, popsize=5), resumable="numeric"),
    "qmc": Case(lambda s: QMCSampler(seed=s, scramble=True, warn_independent_sampling=False)),
    "nsga2": Case(lambda s: NSGAIISampler(seed=s, population_size=6)),
    "nsga3": Case(lambda s: NSGAIIISampler(seed=s, population_size=6)),
}
if hasattr(hpint.samplers, "GPSampler"):
    CASES["gp"] = Case(lambda s: hpint.samplers.GPSampler(seed=s, n_startup_trials=5), multi_objective=False)


def objective_for(name: str, space: str) -> Callable[[hpint.Trial], float]:
    """The objective of kind ``space`` (all_kinds, numeric, conditional) that sampler ``name`` can run."""
    case = CASES[name]
    if space == "numeric":
        return numeric
    base = all_kinds if space == "all_kinds" else conditional
    if case.finite_only:
        return lambda t: base(t, finite=True)
    return base


def make_sampler(name: str, seed: int, space: str = "all_kinds") -> BaseSampler:
    """Sampler ``name`` seeded with ``seed``, set up for objectives of kind ``space``."""
    if name == "grid" and space == "conditional":
        return GridSampler(GRID_CONDITIONAL, seed=seed)
    if name == "grid" and space == "numeric":
        return GridSampler(
            {"x": [-3.0, 0.0, 3.0], "y": [1e-3, 1.0], "z": [0.0, 1.0], "n": [1, 64], "k": [0, 30]}, seed=seed
        )
    return CASES[name].factory(seed)
