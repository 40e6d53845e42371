"""Rebuild the HParams view of a stored study: for studies that ran without the callback."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tensorboard.plugins.hparams import api_pb2

from hpint.integrations.tensorboard import _layout, _protos, _session
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.study._study import Study


def export_study(
    study: Study, logdir: str | os.PathLike[str], metric_name: str | Sequence[str] | None = None
) -> int:
    """Write every trial of ``study`` as an HParams session under ``logdir``; return the session count.

    Running it again rewrites the same files (one session per trial, never two), and it replaces the
    experiment record, so the view matches the stored study exactly. Waiting trials are skipped; running
    ones show as "Running" with their curve so far (in ``trial-<number>/running``). Do not export into a
    logdir that a running study's ``TensorBoardCallback`` writes: the export replaces its live files.
    """
    logdir = os.fspath(logdir)
    objectives = _protos.objective_names(metric_name, study.metric_names, len(study.directions))
    trials = [t for t in study.get_trials(deepcopy=False) if t.state != TrialState.WAITING]
    columns: dict[str, api_pb2.HParamInfo] = {}
    for trial in trials:
        for name, distribution in trial.distributions.items():
            info = _protos.hparam_info(name, distribution)
            columns[name] = _protos.merge_hparam_infos(columns[name], info) if name in columns else info
    experiment = _protos.experiment(columns, _protos.metric_tags(objectives), study.study_name)
    _layout.write_experiment(logdir, experiment, replace=True)
    for trial in trials:
        _session.write_complete_session(logdir, trial, objectives)
    return len(trials)
