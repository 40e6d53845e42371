"""The contract every pruner meets, on every storage it may run on, for minimize and maximize.

A pruner never prunes a trial that has reported nothing, answers with a bool, never prunes a trial that is
best at every step, prunes (when it is a pruning rule at all) a trial that is clearly worse than finished
ones, and decides the same whether the other trials were run through this study object or through another
one sharing the storage (as a worker in another process would).
"""

from __future__ import annotations

import pickle

import pytest

import hpint
from hpint.pruners import (
    BasePruner,
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    PatientPruner,
    PercentilePruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from hpint.trial import TrialState

N_STEPS = 10

# name -> (factory, prunes a clearly worse trial)
PRUNERS = {
    "nop": (lambda: NopPruner(), False),
    "median": (lambda: MedianPruner(n_startup_trials=1), True),
    "percentile": (lambda: PercentilePruner(25.0, n_startup_trials=1), True),
    "threshold": (lambda: ThresholdPruner(lower=0.0, upper=1.0), True),
    "patient": (lambda: PatientPruner(None, patience=1), True),
    "patient_median": (lambda: PatientPruner(MedianPruner(n_startup_trials=1), patience=1), True),
    "successive_halving": (lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), True),
    "successive_halving_auto": (lambda: SuccessiveHalvingPruner(), True),
    "hyperband": (lambda: HyperbandPruner(min_resource=1, max_resource=N_STEPS, reduction_factor=2), True),
    "hyperband_auto": (lambda: HyperbandPruner(min_resource=1, reduction_factor=2), True),
    "wilcoxon": (lambda: WilcoxonPruner(p_threshold=0.1, n_startup_steps=2), True),
}


def _rdb_missing_reason() -> str | None:
    try:
        from hpint.storages import RDBStorage  # noqa: F401
    except ImportError as e:
        return f"hpint.storages.RDBStorage cannot be imported yet ({e})"
    return None


@pytest.fixture
def storage(request):
    """A storage object or URL; two study handles on it see the same trials. The SQLite file is shared by
    the run (a new schema per test would cost more than the test): name studies with ``unique_name``."""
    if request.param == "inmemory":
        return hpint.storages.InMemoryStorage()
    assert request.param == "sqlite", request.param
    reason = _rdb_missing_reason()
    if reason:
        pytest.skip(reason)
    return request.getfixturevalue("_shared_sqlite_url")


# ---- learning curves: "score" is in [0, 1]; for maximize the objective is the score, else 1 - score ----
def good_curve(k: int) -> list[float]:
    return [0.7 - 0.04 * k + 0.01 * step for step in range(N_STEPS)]


def best_curve() -> list[float]:
    return [0.95 + 0.001 * step for step in range(N_STEPS)]


def bad_curve() -> list[float]:
    # far outside [0, 1] and getting worse, so every rule (threshold, patience, ranks, tests) condemns it
    return [-2.0 - 0.1 * step for step in range(N_STEPS)]


def to_objective(scores: list[float], direction: str) -> list[float]:
    return list(scores) if direction == "maximize" else [1.0 - s for s in scores]


def run_trial(study, values: list[float], stop_when_pruned: bool = True) -> list[bool]:
    """Report ``values`` step by step, asking the pruner each time; returns its answers."""
    trial = study.ask()
    answers = []
    for step, value in enumerate(values):
        trial.report(value, step)
        answer = trial.should_prune()
        answers.append(answer)
        if answer and stop_when_pruned:
            study.tell(trial, state=TrialState.PRUNED)
            return answers
    study.tell(trial, values[-1])
    return answers


def make_history(study, direction: str, n: int = 6) -> None:
    """Finished trials with ordinary curves; the pruner is asked (so rung values are recorded) but ignored."""
    for k in range(n):
        run_trial(study, to_objective(good_curve(k), direction), stop_when_pruned=False)


@pytest.fixture
def unique_name(request):
    """The test's own id: unique in the run's shared SQLite file, and the same in every run, so that
    Hyperband's brackets (a hash of the study name and the trial number) are reproducible."""
    return f"conformance-{request.node.name}"


def can_prune_the_bad_trial(study, prunes_bad: bool, bad_number: int, rivals: list[int]) -> bool:
    """Whether the clearly worse trial can be pruned: Hyperband judges a trial only within its bracket,
    so it needs a rival (a trial that recorded rung values) in its own bracket."""
    pruner = study.pruner
    if not isinstance(pruner, HyperbandPruner):
        return prunes_bad
    bracket = pruner.bracket_id(study, bad_number)
    return prunes_bad and any(pruner.bracket_id(study, n) == bracket for n in rivals)


# Both directions on both storages where the storage matters (another handle reads what one wrote); the
# other contracts are about the rule, so SQLite runs them in one direction only (each report is a commit).
ALL_COMBINATIONS = pytest.mark.parametrize(
    "storage, direction",
    [(s, d) for s in ("inmemory", "sqlite") for d in ("minimize", "maximize")],
    indirect=["storage"],
)
RULE_COMBINATIONS = pytest.mark.parametrize(
    "storage, direction",
    [("inmemory", "minimize"), ("inmemory", "maximize"), ("sqlite", "maximize")],
    indirect=["storage"],
)


@pytest.fixture(params=sorted(PRUNERS))
def pruner_case(request):
    factory, prunes_bad = PRUNERS[request.param]
    return request.param, factory, prunes_bad


@RULE_COMBINATIONS
def test_never_prunes_a_trial_without_reports(pruner_case, direction, storage, unique_name):
    _, factory, _ = pruner_case
    study = hpint.create_study(storage=storage, direction=direction, pruner=factory(), study_name=unique_name)
    fresh = study.ask()
    assert fresh.should_prune() is False  # empty study
    study.tell(fresh, state=TrialState.FAIL)
    make_history(study, direction)
    trial = study.ask()
    assert trial.should_prune() is False
    assert study.pruner.prune(study, study.get_trials()[-1]) is False


@RULE_COMBINATIONS
def test_answers_bool_keeps_the_best_and_prunes_the_clearly_worse(
    pruner_case, direction, storage, unique_name
):
    name, factory, prunes_bad = pruner_case
    study = hpint.create_study(storage=storage, direction=direction, pruner=factory(), study_name=unique_name)
    make_history(study, direction)

    best_answers = run_trial(study, to_objective(best_curve(), direction))
    assert all(type(a) is bool for a in best_answers)
    assert not any(best_answers), f"{name} pruned the best trial"

    bad_answers = run_trial(study, to_objective(bad_curve(), direction))
    assert all(type(a) is bool for a in bad_answers)
    expected = can_prune_the_bad_trial(study, prunes_bad, bad_number=7, rivals=list(range(7)))
    assert any(bad_answers) is expected
    assert study.get_trials()[-1].state == (TrialState.PRUNED if expected else TrialState.COMPLETE)


@RULE_COMBINATIONS
def test_optimize_records_pruned_trials(pruner_case, direction, storage, unique_name):
    """Through ``optimize``: a pruned trial keeps its learning curve and ends PRUNED, others COMPLETE."""
    name, factory, prunes_bad = pruner_case
    study = hpint.create_study(storage=storage, direction=direction, pruner=factory(), study_name=unique_name)
    curves = [good_curve(k) for k in range(6)] + [best_curve(), bad_curve()]

    def objective(trial):
        values = to_objective(curves[trial.number], direction)
        for step, value in enumerate(values):
            trial.report(value, step)
            # the history trials run to the end so that later trials have something to compare with
            if trial.number >= 6 and trial.should_prune():
                raise hpint.TrialPruned()
        return values[-1]

    study.optimize(objective, n_trials=len(curves))
    trials = study.get_trials()
    assert trials[6].state == TrialState.COMPLETE
    # only trial 6 asked the pruner before, so only it recorded rung values
    expected = can_prune_the_bad_trial(study, prunes_bad, bad_number=7, rivals=[6])
    assert trials[7].state == (TrialState.PRUNED if expected else TrialState.COMPLETE)
    assert len(trials[7].intermediate_values) >= 1


@ALL_COMBINATIONS
def test_same_decisions_through_another_handle_on_the_storage(pruner_case, direction, storage, unique_name):
    """History written by one study handle (its own pruner instance), decided by another: as workers do."""
    name, factory, _ = pruner_case
    single = hpint.create_study(direction=direction, pruner=factory(), study_name=unique_name)
    writer = hpint.create_study(
        storage=storage, direction=direction, pruner=factory(), study_name=unique_name
    )
    reader = hpint.load_study(study_name=unique_name, storage=storage, pruner=factory())
    for study in (single, writer):
        make_history(study, direction)
    for curve in (best_curve(), bad_curve(), good_curve(2)):
        values = to_objective(curve, direction)
        assert run_trial(reader, values) == run_trial(single, values), name


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_a_used_pruner_survives_pickling(pruner_case, direction):
    """A study (with its pruner and the pruner's caches) is pickled to reach spawned workers; the copy
    starts from the storage again and decides as the original does."""
    name, factory, _ = pruner_case
    storage = hpint.storages.InMemoryStorage()
    study = hpint.create_study(storage=storage, direction=direction, pruner=factory(), study_name="p")
    make_history(study, direction)
    twin = pickle.loads(pickle.dumps(study))  # with a copy of the storage: the two now live apart
    assert type(twin.pruner) is type(study.pruner)
    for curve in (best_curve(), bad_curve(), good_curve(3)):
        values = to_objective(curve, direction)
        assert run_trial(twin, values) == run_trial(study, values), name


def test_every_public_pruner_is_covered():
    public = {getattr(hpint.pruners, n) for n in hpint.pruners.__all__} - {BasePruner}
    covered = {type(factory()) for factory, _ in PRUNERS.values()}
    assert public == covered
