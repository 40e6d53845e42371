"""Smoke tests that the model-based samplers use their model: they beat random search on easy problems,
and TPE's constant liar steers away from regions that RUNNING trials already cover.

Each compares means over a few seeds with the same budget, so one unlucky seed does not decide; the
thorough comparison (more problems, seeds and budgets) is ``benchmarks/samplers.py``.
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Callable

import numpy as np
import pytest

import hpint
from hpint._hypervolume import hypervolume
from hpint.distributions import FloatDistribution
from hpint.samplers import BaseSampler, NSGAIISampler, RandomSampler, TPESampler
from hpint.trial import TrialState


@pytest.fixture(autouse=True)
def _quiet():
    hpint.logging.set_verbosity(hpint.logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def branin(trial: hpint.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 10.0)
    y = trial.suggest_float("y", 0.0, 15.0)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10 - 0.397887


def zdt1(trial: hpint.Trial) -> tuple[float, float]:
    """ZDT1 over three variables: the Pareto front is reached only when ``x1 = x2 = 0``."""
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)]
    g = 1 + 9 * (x[1] + x[2]) / 2
    return x[0], g * (1 - math.sqrt(x[0] / g))


def _bests(make: Callable[[int], BaseSampler], seeds: range, n_trials: int) -> list[float]:
    bests = []
    for seed in seeds:
        study = hpint.create_study(sampler=make(seed))
        study.optimize(branin, n_trials=n_trials)
        bests.append(study.best_value)
    return bests


def _mean_hypervolume(make: Callable[[int], BaseSampler], seeds: range, n_trials: int) -> float:
    volumes = []
    for seed in seeds:
        study = hpint.create_study(directions=["minimize", "minimize"], sampler=make(seed))
        study.optimize(zdt1, n_trials=n_trials)
        volumes.append(hypervolume(np.array([t.values for t in study.trials]), [1.1, 11.0]))
    return statistics.mean(volumes)


def test_tpe_beats_random_search_on_branin() -> None:
    # medians over 10 seeds: now and then a TPE run spends its 40 trials between Branin's three minima,
    # and one such run would decide a mean over a few seeds
    seeds = range(10)
    tpe = statistics.median(_bests(lambda s: TPESampler(seed=s), seeds, 40))
    random = statistics.median(_bests(lambda s: RandomSampler(seed=s), seeds, 40))
    assert tpe < random / 2, (tpe, random)


@pytest.mark.parametrize(
    "make",
    [lambda s: TPESampler(seed=s), lambda s: NSGAIISampler(seed=s, population_size=10)],
    ids=["tpe", "nsga2"],
)
def test_multi_objective_samplers_gain_hypervolume_over_random_search(make) -> None:
    seeds = range(4)
    model = _mean_hypervolume(make, seeds, 60)
    random = _mean_hypervolume(lambda s: RandomSampler(seed=s), seeds, 60)
    assert model > random + 0.25, (model, random)  # the whole attainable volume is about 12


def dtlz2(trial: hpint.Trial) -> tuple[float, float, float]:
    """Three objectives over 6 parameters; the front is the unit sphere's positive octant."""
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)]
    r = 1.0 + sum((v - 0.5) ** 2 for v in x[2:])
    a, b = 0.5 * math.pi * x[0], 0.5 * math.pi * x[1]
    return r * math.cos(a) * math.cos(b), r * math.cos(a) * math.sin(b), r * math.sin(a)


def test_tpe_gains_hypervolume_over_random_search_with_three_objectives() -> None:
    # With three objectives the good trials of the last front are those that keep the most hypervolume;
    # picking the least crowded instead (the spread's extremes) searched no better than random.
    def mean_volume(make: Callable[[int], BaseSampler]) -> float:
        volumes = []
        for seed in range(4):
            study = hpint.create_study(directions=["minimize"] * 3, sampler=make(seed))
            study.optimize(dtlz2, n_trials=60)
            volumes.append(hypervolume(np.array([t.values for t in study.trials]), [1.1] * 3))
        return statistics.mean(volumes)

    tpe, random = mean_volume(lambda s: TPESampler(seed=s)), mean_volume(lambda s: RandomSampler(seed=s))
    assert tpe > random + 0.05, (tpe, random)  # the attainable volume is 1.1^3 - pi/6 = 0.807


def _draws_near_running_trials(constant_liar: bool, seed: int) -> tuple[int, int]:
    """How many of 20 draws land near the place TPE favours, before and after RUNNING trials sit there.

    The place is the median of TPE's draws when nothing runs; the draws then differ only by trial
    number (5 RUNNING trials shift it), unless the liar makes TPE count the RUNNING trials as bad.
    """
    dist = FloatDistribution(0.0, 10.0)
    rng = np.random.RandomState(seed)
    done = [float(x) for x in rng.uniform(0.0, 10.0, 30)]

    def draws_with(running: list[float], liar: bool) -> list[float]:
        sampler = TPESampler(seed=seed, n_startup_trials=5, constant_liar=liar, multivariate=False)
        study = hpint.create_study(sampler=sampler)
        for x in done:
            study.add_trial(
                hpint.create_trial(params={"x": x}, distributions={"x": dist}, value=(x - 5) ** 2)
            )
        for x in running:
            study.enqueue_trial({"x": x})
            study.ask().suggest_float("x", 0.0, 10.0)  # left RUNNING
        draws = []
        for _ in range(20):
            trial = study.ask()
            draws.append(trial.suggest_float("x", 0.0, 10.0))
            study.tell(trial, state=TrialState.FAIL)  # a failed trial changes nothing for TPE
        return draws

    free = draws_with([], liar=False)
    centre = float(np.median(free))
    draws = draws_with([centre + d for d in (-0.3, -0.15, 0.0, 0.15, 0.3)], liar=constant_liar)
    return sum(abs(x - centre) < 0.5 for x in free), sum(abs(x - centre) < 0.5 for x in draws)


def test_constant_liar_avoids_the_region_of_running_trials() -> None:
    free = without_liar = with_liar = 0
    for seed in range(3):
        free_near, near = _draws_near_running_trials(False, seed)
        free += free_near
        without_liar += near
        with_liar += _draws_near_running_trials(True, seed)[1]
    assert free >= 30  # of 60 draws: TPE does concentrate there when nothing runs
    assert without_liar >= free / 2  # without the liar, RUNNING trials barely matter
    assert with_liar <= without_liar / 4, (free, without_liar, with_liar)


def test_constant_liar_is_on_by_default_and_free_without_running_trials() -> None:
    def f(trial):
        return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))

    def second_of_two_running(**kwargs) -> tuple[list[dict], dict]:
        study = hpint.create_study(sampler=TPESampler(seed=7, **kwargs))
        study.optimize(f, n_trials=20)
        first, second = study.ask(), study.ask()
        for trial in (first, second):  # the first stays RUNNING while the second draws
            f(trial)
        return [t.params for t in study.trials[:20]], second.params

    default, with_liar, without = (
        second_of_two_running(),
        second_of_two_running(constant_liar=True),
        (second_of_two_running(constant_liar=False)),
    )
    assert default == with_liar  # Optuna 5's default
    assert default[0] == without[0]  # sequential trials: identical suggestions
    assert default[1] != without[1]  # the lie changes the draw next to a running trial
