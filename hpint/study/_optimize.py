"""The optimisation loop behind ``Study.optimize``: ask, run the objective, tell, repeat."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from hpint import logging as _logging
from hpint.exceptions import TrialPruned, UpdateFinishedTrialError
from hpint.storages._heartbeat import beating, fail_stale_trials, heartbeat_storage
from hpint.study._tell import tell
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import ObjectiveFuncType, Study
    from hpint.trial._trial import Trial

_logger = _logging.get_logger("hpint.study")

Callback = Callable[["Study", FrozenTrial], None]


class _Budget:
    """Counts trials started by this ``optimize`` call across threads, and the deadline."""

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        self.n_trials = n_trials
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.started = 0
        self.finished = 0
        self._lock = threading.Lock()

    def take(self, study: Study) -> bool:
        """Reserve one trial; False when the budget, the deadline or ``study.stop()`` says no more."""
        with self._lock:
            if study._stop_flag:
                return False
            if self.n_trials is not None and self.started >= self.n_trials:
                return False
            if self.deadline is not None and time.monotonic() >= self.deadline:
                return False
            self.started += 1
            return True


def optimize(
    study: Study,
    func: ObjectiveFuncType,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Iterable[type[Exception]] | type[Exception],
    callbacks: Iterable[Callback] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
) -> None:
    _check_args(func, n_trials, timeout, n_jobs)
    catch_tuple = tuple(catch) if isinstance(catch, Iterable) else (catch,)
    for c in catch_tuple:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise TypeError(f"`catch` must hold exception classes, not {c!r}.")
    callback_list = list(callbacks or [])
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    budget = _Budget(n_trials, timeout)
    progress = _Progress(n_trials, timeout) if show_progress_bar else None
    study._stop_flag = False
    listeners = [cb for cb in callback_list if hasattr(cb, "on_trial_start") or hasattr(cb, "on_report")]
    study._trial_listeners.extend(listeners)

    def loop() -> None:
        while budget.take(study):
            frozen = run_trial(study, func, catch_tuple)
            with budget._lock:
                budget.finished += 1
            if progress is not None:
                progress.update(budget.finished, study)
            for callback in callback_list:
                callback(study, frozen)
            if gc_after_trial:
                gc.collect()

    try:
        if n_jobs == 1:
            loop()
        else:
            _run_threads(study, loop, n_jobs)
    finally:
        study._stop_flag = False
        for listener in listeners:
            study._trial_listeners.remove(listener)
        if progress is not None:
            progress.close()


def _run_threads(study: Study, loop: Callable[[], None], n_jobs: int) -> None:
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        pending = {pool.submit(loop) for _ in range(n_jobs)}
        try:
            while pending:
                # Wake up regularly so Ctrl-C reaches this thread; see a worker's error as soon as it happens.
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
                for f in done:
                    f.result()
        except BaseException:
            study.stop()  # let the other workers finish their current trial, then stop
            raise


def run_trial(study: Study, func: ObjectiveFuncType, catch: tuple[type[BaseException], ...]) -> FrozenTrial:
    """Run one trial to its end and return its stored record; re-raise what ``catch`` does not cover.

    With heartbeats on, first fail the study's stale trials (of dead workers), then beat while ``func`` runs.
    """
    if heartbeat_storage(study._storage) is not None:
        fail_stale_trials(study)
    trial = study.ask()
    try:
        with beating(study._storage, trial._trial_id):
            value_or_values = func(trial)
    except TrialPruned:
        return _tell(study, trial, None, TrialState.PRUNED)
    except Exception as e:
        reason = f"{type(e).__name__}: {e}"
        frozen = _tell(study, trial, None, TrialState.FAIL, fail_reason=reason)
        if isinstance(e, catch):
            _logger.warning(f"Trial {frozen.number} failed because of {reason}; the study goes on.")
            return frozen
        raise
    except BaseException as e:  # KeyboardInterrupt, SystemExit: record, then let it stop the program
        _tell(study, trial, None, TrialState.FAIL, fail_reason=f"{type(e).__name__}: interrupted")
        raise
    if trial._end_as_pruned:
        return _tell(study, trial, None, TrialState.PRUNED)
    if value_or_values is None:
        reason = "The objective returned None; it must return a number."
        warnings.warn(f"Trial {trial.number} failed: {reason}", stacklevel=3)
        return _tell(study, trial, None, TrialState.FAIL, fail_reason=reason)
    return _tell(study, trial, value_or_values, None)  # a wrong value count raises here


def _tell(
    study: Study, trial: Trial, values: object, state: TrialState | None, fail_reason: str | None = None
) -> FrozenTrial:
    """``tell``; but a trial another worker failed as stale (this one stopped beating: hung, suspended,
    cut off from the database) keeps its FAIL, and its result is dropped with a warning."""
    try:
        return tell(study, trial, values, state, False, fail_reason=fail_reason)  # type: ignore[arg-type]
    except UpdateFinishedTrialError:
        stored = study._storage.get_trial(trial._trial_id)
        if heartbeat_storage(study._storage) is None or stored.state != TrialState.FAIL:
            raise
        warnings.warn(
            f"Trial {stored.number} was failed by another worker while it ran, because its heartbeat "
            f"stopped for more than grace_period; its result is dropped and it stays FAIL.",
            stacklevel=4,
        )
        return stored


def _check_args(func: object, n_trials: int | None, timeout: float | None, n_jobs: int) -> None:
    if not callable(func):
        raise TypeError(f"`func` must be callable, not {type(func).__name__} ({func!r}).")
    if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0):
        raise ValueError(f"`n_trials` must be a non-negative integer or None, not {n_trials!r}.")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0
    ):
        raise ValueError(f"`timeout` must be a non-negative number of seconds or None, not {timeout!r}.")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be a positive integer or -1, not {n_jobs!r}.")


class _Progress:
    """A one-line progress display on stderr (no dependency on tqdm)."""

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        self.n_trials = n_trials
        self.timeout = timeout
        self.start = time.monotonic()

    def update(self, done: int, study: Study) -> None:
        elapsed = time.monotonic() - self.start
        total = f"/{self.n_trials}" if self.n_trials is not None else ""
        best = ""
        if not study._is_multi_objective():
            try:
                best = f" best value: {study.best_value:.6g}"
            except ValueError:
                pass
        sys.stderr.write(f"\r{done}{total} trials, {elapsed:.1f}s elapsed,{best}   ")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
