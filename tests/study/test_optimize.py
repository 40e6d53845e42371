import io
import os
import re
import signal
import threading
import time

import pytest

import hpint
from hpint.trial import TrialState


@pytest.fixture
def study(storage_url):
    return hpint.create_study(storage=storage_url, sampler=hpint.samplers.RandomSampler(seed=0))


def objective(trial):
    return trial.suggest_float("x", -1, 1) ** 2


def test_n_trials_counts_this_call(study):
    study.optimize(objective, n_trials=3)
    study.optimize(objective, n_trials=2)
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_timeout_stops_starting_trials(study):
    start = time.monotonic()
    study.optimize(lambda t: time.sleep(0.02) or 1.0, timeout=0.2)
    assert time.monotonic() - start < 2.0  # generous: the machine may be busy
    trials = study.trials
    assert 1 <= len(trials) <= 15
    # No trial starts after the deadline (the last one may have been asked just before it).
    first = trials[0].datetime_start
    assert all((t.datetime_start - first).total_seconds() < 0.2 + 0.5 for t in trials)


def test_n_jobs_runs_in_threads_with_unique_numbers(study):
    threads = set()

    def slow(trial):
        threads.add(threading.get_ident())
        time.sleep(0.01)
        return objective(trial)

    study.optimize(slow, n_trials=12, n_jobs=3)
    assert sorted(t.number for t in study.trials) == list(range(12))
    assert len(threads) > 1


def test_callbacks_receive_study_and_frozen_trial_and_can_stop(study):
    seen = []

    def callback(s, frozen):
        seen.append((s is study, frozen.number, frozen.state))
        if frozen.number == 2:
            s.stop()

    study.optimize(objective, n_trials=10, callbacks=[callback])
    assert seen == [
        (True, 0, TrialState.COMPLETE),
        (True, 1, TrialState.COMPLETE),
        (True, 2, TrialState.COMPLETE),
    ]
    study.optimize(objective, n_trials=1)  # stop() does not stick to the next call
    assert len(study.trials) == 4


def test_max_trials_callback_counts_the_whole_study(study):
    study.optimize(objective, n_trials=3)
    study.optimize(objective, n_trials=100, callbacks=[hpint.MaxTrialsCallback(5)])
    assert len(study.trials) == 5


def test_exception_fails_trial_and_propagates_without_touching_earlier_trials(study):
    study.optimize(objective, n_trials=2)
    before = study.trials

    def broken(trial):
        trial.suggest_float("x", -1, 1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        study.optimize(broken, n_trials=3)
    after = study.trials
    assert after[:2] == before
    assert after[2].state == TrialState.FAIL
    assert after[2].system_attrs["fail_reason"] == "RuntimeError: boom"
    assert len(after) == 3


def test_caught_exceptions_let_the_study_go_on(study):
    def flaky(trial):
        if trial.number % 2:
            raise ValueError("odd")
        return objective(trial)

    study.optimize(flaky, n_trials=4, catch=(ValueError,))
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL] * 2
    study.optimize(flaky, n_trials=2, catch=ValueError)
    assert len(study.trials) == 6


@pytest.mark.parametrize("bad", [float("nan"), None, "0.5", object()])
def test_bad_objective_values_fail_the_trial_and_the_study_goes_on(study, bad):
    calls = iter([bad, 1.0])
    with pytest.warns(UserWarning, match="failed"):
        study.optimize(lambda t: next(calls), n_trials=2)
    first, second = study.trials
    assert first.state == TrialState.FAIL and "it must" in first.system_attrs["fail_reason"]
    assert second.state == TrialState.COMPLETE


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_infinite_values_complete_and_rank_as_values(direction):
    # As in Optuna: a diverged run may return inf; the trial is COMPLETE and the sampler learns from it.
    study = hpint.create_study(direction=direction)
    values = iter([float("inf"), 2.0, float("-inf"), 1.0])
    study.optimize(lambda t: next(values), n_trials=4)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4
    assert [t.value for t in study.trials] == [float("inf"), 2.0, float("-inf"), 1.0]
    assert study.best_value == (float("-inf") if direction == "minimize" else float("inf"))


def test_keyboard_interrupt_marks_trial_failed_and_propagates(study):
    study.optimize(objective, n_trials=1)

    def interrupted(trial):
        trial.suggest_float("x", -1, 1)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study.optimize(interrupted, n_trials=5)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]
    assert "KeyboardInterrupt" in study.trials[1].system_attrs["fail_reason"]


def test_ctrl_c_marks_the_running_trial_failed_and_stops(study):
    """A real SIGINT (what Ctrl-C sends) arriving while the objective runs."""
    study.optimize(objective, n_trials=2)
    before = study.trials

    def interrupted(trial):
        trial.suggest_float("x", -1, 1)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # interrupted long before this ends
        return 1.0

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        study.optimize(interrupted, n_trials=5)
    assert time.monotonic() - start < 4
    trials = study.trials
    assert trials[:2] == before and len(trials) == 3
    assert trials[2].state == TrialState.FAIL
    assert trials[2].system_attrs["fail_reason"] == "KeyboardInterrupt: interrupted"


def test_ctrl_c_with_threads_lets_running_trials_end_and_stops(study):
    def objective_interrupting_main(trial):
        trial.suggest_float("x", -1, 1)
        if trial.number == 3:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: handled by the main thread, waiting for workers
        time.sleep(0.05)
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective_interrupting_main, n_trials=200, n_jobs=2)
    trials = study.trials
    assert 4 <= len(trials) < 20  # the workers stopped after their current trial
    assert all(t.state == TrialState.COMPLETE for t in trials)  # nothing left RUNNING


def test_error_in_one_thread_stops_the_others(study):
    def failing(trial):
        trial.suggest_float("x", -1, 1)
        if trial.number == 3:
            raise RuntimeError("boom")
        time.sleep(0.02)
        return 1.0

    with pytest.raises(RuntimeError, match="boom"):
        study.optimize(failing, n_trials=200, n_jobs=2)
    trials = study.trials
    assert trials[3].state == TrialState.FAIL and len(trials) < 20
    assert all(t.state in (TrialState.COMPLETE, TrialState.FAIL) for t in trials)


def test_trial_pruned_and_end_as_pruned(study):
    def pruned_by_raise(trial):
        trial.report(1.0, 0)
        raise hpint.TrialPruned()

    def pruned_by_callback(trial):
        trial.report(2.0, 0)
        trial._end_as_pruned = True  # what the trainer callbacks do when they stop training
        return 0.5

    study.optimize(pruned_by_raise, n_trials=1)
    study.optimize(pruned_by_callback, n_trials=1)
    assert [t.state for t in study.trials] == [TrialState.PRUNED, TrialState.PRUNED]
    assert [t.value for t in study.trials] == [1.0, 2.0]


def test_median_pruner_prunes_bad_curves(storage_url):
    study = hpint.create_study(storage=storage_url, pruner=hpint.pruners.MedianPruner(n_startup_trials=2))

    def curve(trial):
        level = [1.0, 1.0, 5.0, 0.5][trial.number]
        for epoch in range(5):
            trial.report(level + 0.1 * epoch, epoch)
            if trial.should_prune():
                raise hpint.TrialPruned()
        return level

    study.optimize(curve, n_trials=4)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.PRUNED, TrialState.COMPLETE]
    assert study.trials[2].last_step == 0  # stopped at the first checked epoch


def test_listeners_see_trial_start_and_reports(study):
    events = []

    class Listener:
        def on_trial_start(self, s, trial):
            events.append(("start", trial.number))

        def on_report(self, s, trial, step, value):
            events.append(("report", trial.number, step))

        def __call__(self, s, frozen):
            events.append(("end", frozen.number))

    def reporting(trial):
        trial.report(1.0, 0)
        return 1.0

    study.optimize(reporting, n_trials=2, callbacks=[Listener()])
    assert events == [("start", 0), ("report", 0, 0), ("end", 0), ("start", 1), ("report", 1, 0), ("end", 1)]
    study.optimize(reporting, n_trials=1)  # listeners are removed after optimize
    assert len(events) == 6


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_trials": -1}, ValueError, "`n_trials` must be a non-negative integer or None, not -1"),
        ({"timeout": -2}, ValueError, "`timeout` must be a non-negative number"),
        ({"n_jobs": 0}, ValueError, "`n_jobs` must be a positive integer or -1, not 0"),
        ({"catch": ["x"]}, TypeError, "`catch` must hold exception classes"),
    ],
)
def test_bad_optimize_arguments(study, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        study.optimize(objective, **{"n_trials": 1, **kwargs})


def test_optimize_rejects_non_callable(study):
    with pytest.raises(TypeError, match="`func` must be callable"):
        study.optimize("objective", n_trials=1)  # type: ignore[arg-type]


def test_progress_bar_and_gc(study, capsys):
    study.optimize(objective, n_trials=3, show_progress_bar=True, gc_after_trial=True)
    assert "3/3 trials" in capsys.readouterr().err


def test_log_lines_look_familiar(study):
    handler = hpint.logging._handler
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        hpint.logging.set_verbosity(hpint.logging.INFO)
        study.optimize(lambda t: t.suggest_int("n", 3, 3) * 1.0, n_trials=2)
        hpint.logging.set_verbosity(hpint.logging.WARNING)
        study.optimize(objective, n_trials=1)
    finally:
        handler.setStream(old)
        hpint.logging.set_verbosity(hpint.logging.INFO)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    stamp = r"\[I \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] "
    expected = "Trial 1 finished with value: 3.0 and parameters: {'n': 3}. Best is trial 0 with value: 3.0."
    assert re.fullmatch(stamp + re.escape(expected), lines[1])


def test_set_verbosity_levels():
    old = hpint.logging.get_verbosity()
    try:
        for level in (hpint.logging.DEBUG, hpint.logging.WARNING, hpint.logging.ERROR):
            hpint.logging.set_verbosity(level)
            assert hpint.logging.get_verbosity() == level
    finally:
        hpint.logging.set_verbosity(old)
