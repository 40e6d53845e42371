"""``TensorBoardCallback``: every trial of a study as a session of TensorBoard's HParams dashboard, live."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tensorboard.plugins.hparams import api_pb2

from hpint.integrations.tensorboard import _events, _layout, _protos, _session
from hpint.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hpint.distributions import BaseDistribution
    from hpint.study._study import Study


class _LiveSession:
    """The open event file of a running trial's session (in the trial's ``running`` run)."""

    def __init__(self, logdir: str, number: int) -> None:
        # A previous study's trial of this number (same logdir): its session must not share our row.
        _layout.remove_hpint_files(_layout.trial_session_dir(logdir, number))
        directory = _layout.running_session_dir(logdir, number)
        _layout.remove_hpint_files(directory)
        self.file = _events.EventFile(os.path.join(directory, _events.unique_file_name()))
        self.report_times: dict[int, float] = {}  # step -> wall time, kept in the final session


class TensorBoardCallback:
    """Write each trial as a session of TensorBoard's HParams dashboard, while it runs.

    Pass it to ``study.optimize(..., callbacks=[TensorBoardCallback("runs")])`` and run
    ``tensorboard --logdir runs``. The HParams table then has one row per trial with its parameters (the
    columns' domains come from the distributions), its objective value(s) (a pruned trial's is its last
    reported value), its last per-epoch value, a ``state`` metric (0 running, 1 complete, 2 pruned,
    3 fail) and a status: a running trial is "Running", COMPLETE "Success", FAIL "Failure" and PRUNED
    "Unknown" (TensorBoard has no pruned status; no other state shows as "Unknown"). Values given to
    ``trial.report`` (also by the Lightning and Keras pruning callbacks) form the curve
    ``intermediate/<metric>`` (step = epoch), so the learning curves of all trials overlay.

    TensorBoard's parallel coordinates and scatter plots leave out trials without a value in a shown
    column, e.g. a parameter only some trials suggest: untick that column to see every trial.

    A trial's row appears at its first ``trial.report`` and its curve grows with every report: this
    running session is the run ``trial-<number>/running``. When the trial ends its whole session is
    written to the run ``trial-<number>`` and the running one is deleted (TensorBoard keeps a run's first
    status, so one run cannot go from "Running" to "Success"); parameters suggested after the first
    report are in that final session.

    Only the ``tensorboard`` package is used; TensorFlow is never imported. Several processes may write
    one logdir: each trial has its own directory, file names carry host and pid, and the shared
    experiment record is merged, not overwritten.

    Args:
        logdir: the directory given to ``tensorboard --logdir``.
        metric_name: the name of the objective's metric column (one name per objective, or one name
            suffixed ``_0``, ``_1``... for several); default: ``study.metric_names``, else ``value``.
    """

    def __init__(
        self, logdir: str | os.PathLike[str], metric_name: str | Sequence[str] | None = None
    ) -> None:
        if metric_name is not None and not isinstance(metric_name, str):
            metric_name = list(metric_name)
            if not metric_name or not all(isinstance(n, str) and n for n in metric_name):
                raise ValueError(f"`metric_name` must be a name or a list of names, not {metric_name!r}.")
        elif isinstance(metric_name, str) and not metric_name:
            raise ValueError("`metric_name` must not be empty.")
        self.logdir = os.fspath(logdir)
        self.metric_name = metric_name
        self._lock = threading.Lock()
        self._sessions: dict[int, _LiveSession] = {}
        self._columns: dict[str, api_pb2.HParamInfo] = {}
        self._seen: dict[str, BaseDistribution] = {}
        self._objectives: list[str] | None = None
        self._written = False

    # ---- hooks called by Study.optimize ----
    def on_trial_start(self, study: Study, trial: Any) -> None:
        """Make sure the experiment record lists the metric columns before any session appears."""
        self._update_experiment(study, {})

    def on_report(self, study: Study, trial: Any, step: int, value: float) -> None:
        """Append one point of the trial's curve (opening its running session at the first report)."""
        objectives = self._objective_names(study)
        distributions = trial.distributions
        self._update_experiment(study, distributions)
        now = time.time()
        with self._lock:
            session = self._sessions.get(trial.number)
            if session is None:
                session = self._sessions[trial.number] = _LiveSession(self.logdir, trial.number)
                start = _session.timestamp(trial.datetime_start, default=now)
                for event in _session.running_events(trial.number, trial.params, distributions, start, now):
                    session.file.write(event)
        session.report_times[step] = now
        session.file.write(_session.intermediate_event(objectives, step, value, now))

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        """Write the finished trial's session (objective values, ``state``, status); drop the running one."""
        objectives = self._objective_names(study)
        self._update_experiment(study, trial.distributions)
        with self._lock:
            session = self._sessions.pop(trial.number, None)
        if session is not None:
            session.file.close()
        times = session.report_times if session is not None else None
        _session.write_complete_session(self.logdir, trial, objectives, times)

    # ---- the experiment record ----
    def _objective_names(self, study: Study) -> list[str]:
        if self._objectives is None:
            self._objectives = _protos.objective_names(
                self.metric_name, study.metric_names, len(study.directions)
            )
        return self._objectives

    def _update_experiment(self, study: Study, distributions: dict[str, BaseDistribution]) -> None:
        """Rewrite the experiment record when a parameter or a distribution is new to this process."""
        objectives = self._objective_names(study)
        with self._lock:
            new = {n: d for n, d in distributions.items() if self._seen.get(n) != d}
            if not new and self._written:
                return
            for name, distribution in new.items():
                info = _protos.hparam_info(name, distribution)
                self._columns[name] = (
                    _protos.merge_hparam_infos(self._columns[name], info) if name in self._columns else info
                )
                self._seen[name] = distribution
            experiment = _protos.experiment(self._columns, _protos.metric_tags(objectives), study.study_name)
            _layout.write_experiment(self.logdir, experiment)
            self._written = True
