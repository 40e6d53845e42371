"""HyperbandPruner: bracket assignment, per-bracket rung statistics and "auto", by hand-computed cases."""

from __future__ import annotations

import pytest

import hpint
from hpint.exceptions import StudyNotFoundError
from hpint.pruners import HyperbandPruner
from hpint.trial import TrialState, create_trial

from ._helpers import run_trial

# In a study named "hyperband-99" with 3 brackets of budgets [4, 3, 3] (min 1, max 4, eta 2), trials 0-7
# fall in brackets [0, 1, 0, 1, 2, 2, 2, 0]: CRC32("hyperband-99_<n>") % 10 in [0, 4) -> 0, [4, 7) -> 1,
# [7, 10) -> 2 (checked by test_the_hand_computed_study_has_the_brackets_it_relies_on).
NAME = "hyperband-99"
BRACKETS = [0, 1, 0, 1, 2, 2, 2, 0]


def fresh_study(pruner, storage, direction="minimize", name=NAME):
    """A study named ``name`` on ``storage`` (None: in memory), replacing one left by an earlier test."""
    if storage is not None:
        try:
            hpint.delete_study(study_name=name, storage=storage)
        except StudyNotFoundError:
            pass
    return hpint.create_study(storage=storage, pruner=pruner, direction=direction, study_name=name)


def rung_values(study):
    trials = study.get_trials()
    return [{k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung_")} for t in trials]


def test_the_hand_computed_study_has_the_brackets_it_relies_on():
    pruner = HyperbandPruner(min_resource=1, max_resource=4, reduction_factor=2)
    study = hpint.create_study(pruner=pruner, study_name=NAME)
    assert pruner.n_brackets == 3  # 1 * 2**2 = 4 <= 4 < 1 * 2**3
    assert [pruner.bracket_id(study, n) for n in range(8)] == BRACKETS


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_each_bracket_keeps_its_own_rung_statistics(direction, pruner_storage):
    """min 1, max 4, eta 2: bracket 0 has rungs at steps 1, 2, 4; bracket 1 at 2, 4; bracket 2 at 4.

    Constant curves over steps 0-4 (shown for minimize; maximize reports the negated values):
    T0 (b0) 1.0: alone at every rung of b0                            -> COMPLETE
    T1 (b1) 5.0: alone in b1 at steps 2 and 4 (T0's 1.0 is b0's)      -> COMPLETE
    T2 (b0) 3.0: b0 rung 0 [1, 3], keep 2 // 2 = 1, cutoff 1          -> PRUNED at step 1
    T3 (b1) 4.0: b1 rung 0 [5, 4] keep 1 cutoff 4; rung 1 the same    -> COMPLETE
    T4 (b2) 9.0: b2's only rung is at step 4, alone                   -> COMPLETE (not judged at 1, 2)
    T5 (b2) 10.0: b2 rung 0 [9, 10] keep 1, cutoff 9                  -> PRUNED at step 4
    T6 (b2) 8.0: b2 rung 0 [9, 10, 8] keep 1, cutoff 8                -> COMPLETE
    T7 (b0) 0.5: b0 rung 0 [1, 3, .5] keep 1 ok; rung 1 [1, .5] ok; rung 2 [1, .5] ok -> COMPLETE
    With one shared statistic, T1 and T3 would have been pruned at step 2 by T0's 1.0.
    """
    pruner = HyperbandPruner(min_resource=1, max_resource=4, reduction_factor=2)
    study = fresh_study(pruner, pruner_storage, direction)
    sign = 1.0 if direction == "minimize" else -1.0
    levels = [1.0, 5.0, 3.0, 4.0, 9.0, 10.0, 8.0, 0.5]
    pruned_at = [run_trial(study, [sign * level] * 5) for level in levels]
    assert pruned_at == [None, None, 1, None, None, 4, None, None]
    stored = rung_values(study)
    assert stored[1] == {"completed_rung_0": sign * 5.0, "completed_rung_1": sign * 5.0}
    assert stored[2] == {"completed_rung_0": sign * 3.0}
    assert stored[5] == {"completed_rung_0": sign * 10.0}
    assert stored[7] == {f"completed_rung_{k}": sign * 0.5 for k in range(3)}
    states = [t.state for t in study.get_trials()]
    assert states.count(TrialState.PRUNED) == 2


def test_a_second_handle_with_its_own_pruner_sees_the_same_brackets_and_rungs(pruner_storage):
    """As a worker in another process: its pruner builds the same brackets and reads the stored rungs."""
    check_second_handle(pruner_storage if pruner_storage is not None else hpint.storages.InMemoryStorage())


@pytest.mark.parametrize("storage_url", ["postgresql", "mysql"], indirect=True)
def test_a_second_handle_on_a_database_server(storage_url):
    """The same on PostgreSQL and MySQL (skipped unless HPINT_TEST_POSTGRES_URL / _MYSQL_URL are set)."""
    check_second_handle(storage_url)


def check_second_handle(storage):
    first = fresh_study(HyperbandPruner(1, 4, 2), storage)
    for level in (1.0, 5.0, 3.0):  # T0 (b0), T1 (b1), T2 (b0) as above
        run_trial(first, [level] * 5)
    second = hpint.load_study(study_name=NAME, storage=storage, pruner=HyperbandPruner(1, 4, 2))
    # T3 (b1) 6.0 loses to T1's 5.0 at b1's rung 0 (step 2); T4 (b2) 0.1 alone in b2
    assert run_trial(second, [6.0] * 5) == 2
    assert run_trial(second, [0.1] * 5) is None
    assert [second.pruner.bracket_id(second, n) for n in range(8)] == BRACKETS


def test_bracket_assignment_is_deterministic_and_spread():
    """27 / 1 with eta 3: 4 brackets with budgets [27, 12, 6, 4] (of 49)."""
    a, b = HyperbandPruner(1, 27, 3), HyperbandPruner(1, 27, 3)
    study = hpint.create_study(study_name="spread", pruner=a)
    ids = [a.bracket_id(study, n) for n in range(980)]
    assert ids == [b.bracket_id(study, n) for n in range(980)]
    counts = [ids.count(k) for k in range(4)]
    # expected 980 * [27, 12, 6, 4] / 49 = [540, 240, 120, 80]; binomial sd <= 16: allow 5 of them
    for count, expected in zip(counts, [540, 240, 120, 80]):
        assert abs(count - expected) < 80, counts
    # another study name draws other brackets for the same numbers
    other = hpint.create_study(study_name="spread-2", pruner=HyperbandPruner(1, 27, 3))
    assert ids[:50] != [a.bracket_id(other, n) for n in range(50)]


def test_auto_max_resource_waits_for_a_completed_trial_and_is_stored(pruner_storage, unique_name):
    """ "auto": the largest step of a completed trial + 1 (Optuna's rule), fixed in the study once found."""
    storage = pruner_storage if pruner_storage is not None else hpint.storages.InMemoryStorage()
    pruner = HyperbandPruner(min_resource=1, reduction_factor=2)
    study = hpint.create_study(storage=storage, pruner=pruner, study_name=unique_name)
    trial = study.ask()
    for step in range(5):
        trial.report(100.0, step)
        assert trial.should_prune() is False  # nothing to compare with yet
    assert pruner.n_brackets is None
    with pytest.raises(RuntimeError, match="max_resource"):
        pruner.bracket_id(study, 0)
    study.tell(trial, 100.0)
    run_trial(study, [1.0] * 3)
    # last step 4 -> max_resource 5: 1 * 2**2 = 4 <= 5 < 8 -> 3 brackets
    assert pruner.n_brackets == 3
    assert study.system_attrs["hyperband:max_resource"] == 5
    run_trial(study, [1.0] * 20)  # a longer trial completes; the brackets stay as they are
    later = hpint.load_study(study_name=unique_name, storage=storage, pruner=HyperbandPruner(1, "auto", 2))
    run_trial(later, [1.0] * 3)
    assert later.pruner.n_brackets == 3


def test_auto_max_resource_uses_the_longest_completed_trial():
    """Two trials completed before the first question: last steps 4 and 9 -> max_resource 10, 4 brackets."""
    pruner = HyperbandPruner(min_resource=1, reduction_factor=2)
    study = hpint.create_study(pruner=pruner)
    for n_steps in (5, 10):
        curve = {step: 1.0 for step in range(n_steps)}
        study.add_trial(create_trial(value=1.0, intermediate_values=curve))
    run_trial(study, [1.0])
    assert pruner.n_brackets == 4  # 1 * 2**3 = 8 <= 10 < 16


def test_no_report_no_decision():
    study = hpint.create_study(pruner=HyperbandPruner(1, 4, 2))
    assert study.ask().should_prune() is False


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"min_resource": 0}, "min_resource"),
        ({"min_resource": 5, "max_resource": 4}, "max_resource"),
        ({"max_resource": "fast"}, "max_resource"),
        ({"max_resource": 0}, "max_resource"),
        ({"reduction_factor": 1}, "reduction_factor"),
        ({"bootstrap_count": -1}, "bootstrap_count"),
        ({"bootstrap_count": 2}, "bootstrap_count"),  # with max_resource="auto"
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        HyperbandPruner(**kwargs)


def test_repr_shows_the_arguments():
    assert repr(HyperbandPruner(2, 30, 3)) == (
        "HyperbandPruner(min_resource=2, max_resource=30, reduction_factor=3, bootstrap_count=0)"
    )
