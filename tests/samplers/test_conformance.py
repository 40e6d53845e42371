"""The contract every sampler meets: legal values, one sequence per seed, define-by-run spaces, resuming.

Resuming (a new ``load_study`` and a new sampler with the same seed continue exactly as the uninterrupted
run) holds for every sampler whose draws depend only on the seed, the trial number and the storage:
Grid, BruteForce, PartialFixed (over TPE), TPE (all variants), QMC, NSGA-II, NSGA-III, GP (when hpint has
it), and CMA-ES on numeric spaces.
It does not hold for RandomSampler (one random stream per sampler object, as in Optuna) nor for parameters
that CMA-ES hands to its RandomSampler (categorical ones).
"""

from __future__ import annotations

import copy
import pickle
import warnings
from typing import Any

import pytest

import hpint
from hpint.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.trial import TrialState

from ._cases import CASES, make_sampler, objective_for

ALL_KINDS = {"f", "flog", "fstep", "i", "ilog", "istep", "c_none", "c_bool", "c_mixed"}


@pytest.fixture(autouse=True)
def _quiet() -> Any:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # samplers warn about independent sampling
        yield


def _run(
    name: str, seed: int, space: str, n_trials: int, storage: str | None = None, **kwargs: Any
) -> hpint.Study:
    study = hpint.create_study(storage=storage, sampler=make_sampler(name, seed, space), **kwargs)
    study.optimize(objective_for(name, space), n_trials=n_trials)
    return study


def _assert_legal(name: str, value: Any, dist: BaseDistribution) -> None:
    if isinstance(dist, CategoricalDistribution):
        assert any(type(value) is type(c) and value == c for c in dist.choices), (name, value, dist)
        return
    if isinstance(dist, IntDistribution):
        assert type(value) is int, (name, value)
    else:
        assert isinstance(dist, FloatDistribution) and type(value) is float, (name, value)
    assert dist.low <= value <= dist.high, (name, value, dist)
    assert dist._contains(dist.to_internal_repr(value)), (name, value, dist)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_kind_of_value_lies_in_its_domain_and_on_its_step(name: str) -> None:
    study = _run(name, seed=0, space="all_kinds", n_trials=24)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 24
    for t in trials:
        assert set(t.params) == ALL_KINDS
        for param, value in t.params.items():
            _assert_legal(param, value, t.distributions[param])
    for param in ALL_KINDS - ({"i"} if name == "partial_fixed" else set()):
        assert len({repr(t.params[param]) for t in trials}) >= 2, f"{name} never varied {param!r}"
    if name == "partial_fixed":
        assert {t.params["i"] for t in trials} == {3}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_seed_same_sequence_other_seed_other_sequence(name: str) -> None:
    first = [t.params for t in _run(name, seed=7, space="all_kinds", n_trials=12).trials]
    again = [t.params for t in _run(name, seed=7, space="all_kinds", n_trials=12).trials]
    other = [t.params for t in _run(name, seed=8, space="all_kinds", n_trials=12).trials]
    assert first == again
    assert first != other


@pytest.mark.parametrize("name", sorted(CASES))
def test_conditional_space_is_sampled_branch_by_branch(name: str) -> None:
    study = _run(name, seed=1, space="conditional", n_trials=30)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 30
    branch_params = {"sgd": {"sgd_lr", "momentum"}, "adam": {"adam_lr", "beta_exp"}, None: set()}
    for t in trials:
        layers = t.params["layers"]
        expected = {"optimizer", "layers"} | branch_params[t.params["optimizer"]]
        assert set(t.params) == expected | {f"units_{i}" for i in range(layers)}
        for param, value in t.params.items():
            _assert_legal(param, value, t.distributions[param])
    assert len({t.params["optimizer"] for t in trials}) >= 2
    assert len({t.params["layers"] for t in trials}) >= 2


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.resumable))
def test_resumed_from_sqlite_continues_like_an_uninterrupted_run(name: str, tmp_path) -> None:
    space = CASES[name].resumable
    assert space is not None
    n_before, n_after = 13, 3  # mid-generation for CMA-ES and NSGA-II, past TPE's start-up
    straight = _run(name, 3, space, n_before + n_after, f"sqlite:///{tmp_path / 'a.db'}", study_name="s")
    url = f"sqlite:///{tmp_path / 'b.db'}"
    _run(name, 3, space, n_before, url, study_name="s")
    resumed = hpint.load_study(study_name="s", storage=url, sampler=make_sampler(name, 3, space))
    resumed.optimize(objective_for(name, space), n_trials=n_after)
    expected = [t.params for t in straight.trials[n_before:]]
    assert [t.params for t in resumed.trials[n_before:]] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_pickled_study_continues_like_the_original(name: str) -> None:
    """Studies reach spawned workers pickled (with their sampler and its state); the twin decides as the
    original does where the sampler's draws depend only on seed, trial number and storage."""
    space = CASES[name].resumable or "all_kinds"
    study = _run(name, 3, space, 13)
    twin = pickle.loads(pickle.dumps(study))  # with a copy of the in-memory storage: they now live apart
    copy.deepcopy(study.sampler)
    for s in (study, twin):
        s.optimize(objective_for(name, space), n_trials=3)
    assert len(twin.trials) == 16
    if CASES[name].resumable:
        assert [t.params for t in twin.trials[13:]] == [t.params for t in study.trials[13:]]


@pytest.mark.parametrize("n_objectives", [2, 3])
@pytest.mark.parametrize("name", sorted(CASES))
def test_runs_a_multi_objective_study(name: str, n_objectives: int) -> None:
    space = "numeric" if name == "cmaes" else "all_kinds"
    objective = objective_for(name, space)
    directions = ["minimize", "maximize", "minimize"][:n_objectives]
    study = hpint.create_study(directions=directions, sampler=make_sampler(name, 0, space))
    if not CASES[name].multi_objective:
        with pytest.raises(ValueError, match="objective"):
            study.optimize(lambda t: (objective(t), 1.0), n_trials=1)
        return

    def objectives(t: hpint.Trial) -> tuple[float, ...]:
        numbers = [abs(v) for v in t.params.values() if isinstance(v, (int, float))]
        values = (objective(t), sum(1 for v in t.params.values() if v), min(numbers, default=0.0))
        return values[:n_objectives]

    study.optimize(objectives, n_trials=16)
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 16
    front = study.best_trials
    assert front
    signs = [1.0 if d == "minimize" else -1.0 for d in directions]
    values = [[s * x for s, x in zip(signs, t.values)] for t in study.trials]
    for t in front:  # nothing in the study dominates a trial of the front
        mine = [s * x for s, x in zip(signs, t.values)]
        assert not any(all(a <= b for a, b in zip(v, mine)) and v != mine for v in values)


@pytest.mark.parametrize("name", sorted(CASES))
def test_worker_threads_get_legal_values_and_exhaustive_samplers_never_repeat(name: str) -> None:
    study = hpint.create_study(sampler=make_sampler(name, 0))
    study.optimize(objective_for(name, "all_kinds"), n_trials=16, n_jobs=2)
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(trials) == 16
    for t in trials:
        for param, value in t.params.items():
            _assert_legal(param, value, t.distributions[param])
    if name in ("grid", "brute_force"):
        assert len({repr(sorted(t.params.items())) for t in trials}) == 16


@pytest.mark.parametrize("name", sorted(CASES))
def test_pruned_failed_and_nan_trials_in_the_history_do_not_derail_sampling(name: str) -> None:
    base = objective_for(name, "all_kinds")

    def objective(trial: hpint.Trial) -> float:
        value = base(trial)
        if trial.number % 3 == 1:
            trial.report(value, 0)
            raise hpint.TrialPruned()
        if trial.number % 5 == 2:
            raise RuntimeError("the training diverged")
        return float("nan") if trial.number % 7 == 3 else value

    study = hpint.create_study(sampler=make_sampler(name, 0))
    study.optimize(objective, n_trials=20, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(TrialState.PRUNED) == 7 and states.count(TrialState.FAIL) == 4  # 2, 12, 17; 3 (NaN)
    for t in study.trials:
        assert set(t.params) == ALL_KINDS
        for param, value in t.params.items():
            _assert_legal(param, value, t.distributions[param])
