"""SuccessiveHalvingPruner (ASHA): rung promotions against hand-computed sequences, on every storage."""

from __future__ import annotations

import math

import pytest

import hpint
from hpint.pruners import SuccessiveHalvingPruner
from hpint.pruners._rung_values import FinishedRungValues
from hpint.trial import TrialState

from ._helpers import make_study, run_trial


def constant(value: float, n_steps: int) -> list[float]:
    return [value] * n_steps


def rung_values(study: hpint.Study) -> list[dict[str, float]]:
    """Each trial's recorded rung values, as stored (keys ``completed_rung_<k>``)."""
    trials = study.get_trials()
    return [{k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung_")} for t in trials]


def test_reduction_factor_2_minimize(pruner_storage):
    """Rungs at steps 1, 2, 4. A trial goes on if it is in the top half (at least the best) of the rung.

    value  rung 0 (step 1) competitors, kept       rung 1 (step 2)          rung 2 (step 4)
    T0 5   [5] keep 1 -> 5 ok                      [5] ok                   [5] ok
    T1 3   [5,3] keep 1 -> 3 ok                    [5,3] ok                 [5,3] ok
    T2 4   [5,3,4] keep 1 -> cutoff 3: PRUNED at 1
    T3 1   [5,3,4,1] keep 2 -> cutoff 3 ok         [5,3,1] keep 1 -> 1 ok   [5,3,1] ok
    T4 2   [..,2] 5 values keep 2 -> cutoff 2 ok   [5,3,1,2] keep 2 ok      [5,3,1,2] keep 2 ok
    T5 6   6 values keep 3 -> cutoff 3: PRUNED at 1
    T6 9,0.5,9..: rung 0 value 0.5, 7 values keep 3 -> ok; rung 1 value 9 in [5,3,1,2,9] keep 2
           -> cutoff 2: PRUNED at 2
    """
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), storage=pruner_storage)
    pruned_at = [run_trial(study, constant(v, 5)) for v in (5, 3, 4, 1, 2, 6)]
    pruned_at.append(run_trial(study, [9, 0.5, 9, 9, 9]))
    assert pruned_at == [None, None, 1, None, None, 1, 2]
    stored = rung_values(study)
    assert stored[0] == {"completed_rung_0": 5, "completed_rung_1": 5, "completed_rung_2": 5}
    assert stored[2] == {"completed_rung_0": 4}
    assert stored[6] == {"completed_rung_0": 0.5, "completed_rung_1": 9}


def test_reduction_factor_3_maximize_with_min_resource_2(pruner_storage):
    """Rungs at steps 2 and 6; the top third (at least one) goes on, larger is better.

    T0 .5 ok, ok | T1 .7 ([.5,.7] keep 1) ok, ok | T2 .6 (cutoff .7) PRUNED at 2 | T3 .9 ok, ok
    T4 .8 (5 values keep 1, cutoff .9) PRUNED | T5 .4 (6 values keep 2, cutoff .8) PRUNED
    T6 .75 (7 values keep 2, cutoff .8) PRUNED | T7 .85 (8 values keep 2, cutoff .85) ok at 2;
    rung 1 [.5,.7,.9,.85] keep 1, cutoff .9: PRUNED at 6
    """
    pruner = SuccessiveHalvingPruner(min_resource=2, reduction_factor=3)
    study = make_study(pruner, direction="maximize", storage=pruner_storage)
    values = (0.5, 0.7, 0.6, 0.9, 0.8, 0.4, 0.75, 0.85)
    pruned_at = [run_trial(study, constant(v, 7)) for v in values]
    assert pruned_at == [None, None, 2, None, 2, 2, 2, 6]
    states = [t.state for t in study.get_trials()]
    assert states == [TrialState.PRUNED if p is not None else TrialState.COMPLETE for p in pruned_at]


def test_min_early_stopping_rate_moves_the_first_rung(pruner_storage):
    """min_resource 1, eta 2, rate 2: the first rung is at step 4, nothing is judged before it."""
    study = make_study(SuccessiveHalvingPruner(1, 2, min_early_stopping_rate=2), storage=pruner_storage)
    assert run_trial(study, constant(1.0, 6)) is None
    # far worse, but only judged at step 4
    assert run_trial(study, constant(50.0, 6)) == 4


def test_sparse_reports_compete_at_the_first_report_past_the_rung(pruner_storage):
    """A trial reporting only at steps 0, 3, 6 competes for rungs 0 and 1 (steps 1, 2) at step 3."""
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), storage=pruner_storage)
    assert run_trial(study, constant(1.0, 5)) is None
    assert run_trial(study, [0.5, 0.5, 0.5], steps=[0, 3, 6]) is None
    assert rung_values(study)[1] == {f"completed_rung_{k}": 0.5 for k in range(3)}
    assert run_trial(study, [9.0, 9.0], steps=[0, 3]) == 3
    assert rung_values(study)[2] == {"completed_rung_0": 9.0}


def test_bootstrap_count_prunes_until_the_rung_has_enough_trials(pruner_storage):
    """bootstrap_count=2: at every rung, the trials arriving while it holds <= 2 values are pruned.

    T0 1.0, T1 0.5: rung 0 (step 1) holds 1 then 2 values: pruned. T2 0.1: rung 0 holds 3, keep 1, 0.1 is
    best: promoted; rung 1 (step 2) holds only its value: pruned. T3 9.0: rung 0 keep 2 (cutoff 0.5): pruned.
    """
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    study = make_study(pruner, storage=pruner_storage)
    assert [run_trial(study, constant(v, 3)) for v in (1.0, 0.5, 0.1, 9.0)] == [1, 1, 2, 1]


def test_nan_at_a_rung_prunes(pruner_storage):
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), storage=pruner_storage)
    assert run_trial(study, [math.nan, math.nan, 1.0]) == 1


def test_auto_min_resource_waits_for_a_finished_trial():
    """With "auto", no pruning until a trial completes; then, as in Optuna, its last step // 100 (steps
    0-200: 200 // 100 = 2).

    The value is stored in the study, so a worker that starts later uses the same one.
    """
    storage = hpint.storages.InMemoryStorage()
    study = hpint.create_study(storage=storage, study_name="auto", pruner=SuccessiveHalvingPruner("auto", 2))
    first = study.ask()
    for step in range(201):
        first.report(5.0, step)
        assert first.should_prune() is False
    study.tell(first, 5.0)
    # rungs now at 2, 4, 8, ...; trial 0 never competed, so the next trial is alone at each rung
    assert run_trial(study, constant(1.0, 13)) is None
    assert run_trial(study, constant(9.0, 13)) == 2
    assert study.system_attrs["successive_halving:min_resource"] == 2
    # a later worker whose trials finished differently still uses min_resource 2
    later = hpint.load_study(study_name="auto", storage=storage, pruner=SuccessiveHalvingPruner("auto", 2))
    assert run_trial(later, constant(1.0, 500)) is None
    assert run_trial(later, constant(9.0, 13)) == 2


def test_auto_min_resource_is_the_last_step_over_100_as_in_optuna():
    """Steps 0-199 (200 reports): last step 199 // 100 = 1, so the first rung is at step 1."""
    study = make_study(SuccessiveHalvingPruner("auto", 2))
    assert run_trial(study, constant(5.0, 200)) is None
    assert run_trial(study, constant(1.0, 3)) is None
    assert run_trial(study, constant(9.0, 3)) == 1
    assert study.system_attrs["successive_halving:min_resource"] == 1


def test_rung_state_is_shared_through_the_storage(pruner_storage):
    """Two study handles with their own pruner instances (as two worker processes) share rung values."""
    check_rungs_are_shared(pruner_storage if pruner_storage is not None else hpint.storages.InMemoryStorage())


@pytest.mark.parametrize("storage_url", ["postgresql", "mysql"], indirect=True)
def test_rung_state_is_shared_on_a_database_server(storage_url):
    """The same on PostgreSQL and MySQL (skipped unless HPINT_TEST_POSTGRES_URL / _MYSQL_URL are set)."""
    check_rungs_are_shared(storage_url)


def check_rungs_are_shared(storage):
    a = hpint.create_study(storage=storage, study_name="asha", pruner=SuccessiveHalvingPruner(1, 2))
    b = hpint.load_study(study_name="asha", storage=storage, pruner=SuccessiveHalvingPruner(1, 2))
    # interleaved: x (handle a) reaches rung 0 first, then y (handle b) reaches it with a worse value
    x, y = a.ask(), b.ask()
    for trial in (x, y):
        trial.report(1.0, 0)
        assert trial.should_prune() is False
    x.report(1.0, 1)
    assert x.should_prune() is False
    y.report(2.0, 1)
    assert y.should_prune() is True  # [1.0, 2.0] keep 1: only b's view of a's rung value can say so


def test_a_fresh_pruner_reads_a_running_trials_rungs_from_the_storage(pruner_storage):
    """A trial judged at rungs 0 and 1 by one pruner instance is not judged there again by another."""
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), storage=pruner_storage)
    assert run_trial(study, constant(1.0, 5)) is None
    trial = study.ask()
    for step in range(3):
        trial.report(1.0, step)
        assert trial.should_prune() is False
    study.pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    trial.report(2.0, 3)  # between rungs 1 (step 2) and 2 (step 4): nothing to judge
    assert trial.should_prune() is False
    trial.report(2.0, 4)  # rung 2: [1.0, 2.0] keep 1 -> pruned
    assert trial.should_prune() is True
    assert sorted(rung_values(study)[1]) == ["completed_rung_0", "completed_rung_1", "completed_rung_2"]


def test_other_trials_states_do_not_matter_only_their_rung_values(pruner_storage):
    """Pruned and running trials' rung values count, as in asynchronous successive halving."""
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2), storage=pruner_storage)
    running = study.ask()
    running.report(1.0, 0)
    running.report(1.0, 1)
    assert running.should_prune() is False
    # the running trial holds the rung-0 slot with 1.0: a worse newcomer is pruned
    assert run_trial(study, constant(3.0, 3)) == 1


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"min_resource": 0}, "min_resource"),
        ({"min_resource": "fast"}, "min_resource"),
        ({"reduction_factor": 1}, "reduction_factor"),
        ({"reduction_factor": 2.5}, "reduction_factor"),
        ({"min_early_stopping_rate": -1}, "min_early_stopping_rate"),
        ({"bootstrap_count": -1}, "bootstrap_count"),
        ({"bootstrap_count": 1}, "bootstrap_count"),  # with min_resource="auto"
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        SuccessiveHalvingPruner(**kwargs)


def test_finished_rung_values_are_read_once_and_running_ones_afresh():
    """The table behind each decision: a finished trial's rung values are folded in once however often
    the pruner asks; unfinished trials are handed back to be read again (their rungs may grow)."""
    study = make_study(SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    for level in (1.0, 2.0, 3.0):
        attrs = {"completed_rung_0": level}
        study.add_trial(hpint.create_trial(value=level, intermediate_values={0: level}, system_attrs=attrs))
    running = study.ask()
    table = FinishedRungValues()
    for _ in range(3):
        others = table.update(study, study.get_trials(deepcopy=False), exclude_id=-1, same_group=None)
        assert [t.number for t in others] == [3]
        # minimize: of [1, 2, 3], two are strictly better than 2.5; maximize: one (3.0)
        assert table.count("completed_rung_0", 2.5, maximize=False) == (3, 2)
        assert table.count("completed_rung_0", 2.5, maximize=True) == (3, 1)
    # ties are not "better": 2.0 has one strictly better value (1.0) when minimizing
    assert table.count("completed_rung_0", 2.0, maximize=False) == (3, 1)
    running.report(0.5, 0)
    study.tell(running, 0.5)  # finished now, but it recorded no rung: nothing new to count
    assert table.update(study, study.get_trials(deepcopy=False), exclude_id=-1, same_group=None) == []
    assert table.count("completed_rung_0", 2.5, maximize=False) == (3, 2)
    assert table.count("completed_rung_1", 2.5, maximize=False) == (0, 0)
