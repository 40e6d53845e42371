"""The events of one trial's HParams session: start record, per-epoch curve, objective values, end record.

Shared by the live callback (which writes them as they happen) and the export (which writes them at once).
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Sequence
from typing import Any

from tensorboard.compat.proto import event_pb2

from hpint.integrations.tensorboard import _events, _layout, _protos
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState


def timestamp(moment: datetime.datetime | None, default: float | None = None) -> float:
    """Seconds since the epoch of a trial's datetime (naive datetimes are local time, as stored)."""
    if moment is None:
        return time.time() if default is None else default
    return moment.timestamp()


def start_events(
    params: dict[str, Any],
    distributions: dict[str, Any],
    start_time: float,
    wall_time: float,
    group_name: str = "",
) -> list[event_pb2.Event]:
    info = _protos.session_start_info(params, distributions, start_time, group_name)
    return [_events.session_start_event(info, wall_time)]


def running_events(
    number: int, params: dict[str, Any], distributions: dict[str, Any], start_time: float, wall_time: float
) -> list[event_pb2.Event]:
    """The opening of a running trial's session: start record, status RUNNING, ``state`` 0.

    The session lives in the trial's ``running`` run and joins the row of the trial's own run.
    """
    return [
        *start_events(params, distributions, start_time, wall_time, group_name=_layout.run_name(number)),
        _events.session_end_event(_protos.session_end_info(TrialState.RUNNING, wall_time), wall_time),
        state_event(TrialState.RUNNING, 0, wall_time),
    ]


def intermediate_event(
    objectives: Sequence[str], step: int, value: float, wall_time: float
) -> event_pb2.Event:
    return _events.scalar_event(_protos.INTERMEDIATE_PREFIX + objectives[0], value, step, wall_time)


def state_event(state: TrialState, step: int, wall_time: float) -> event_pb2.Event:
    return _events.scalar_event(_protos.STATE_METRIC, float(int(state)), step, wall_time)


def final_events(trial: FrozenTrial, objectives: Sequence[str], wall_time: float) -> list[event_pb2.Event]:
    """Objective values, the ``state`` metric and the end record of a finished trial.

    A PRUNED trial's value (its last reported value) is written too: TensorBoard's parallel coordinates
    and scatter plots leave out every trial lacking a value in a shown metric column.
    """
    step = trial.last_step or 0
    events = []
    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED) and trial.values is not None:
        events += [_events.scalar_event(tag, v, step, wall_time) for tag, v in zip(objectives, trial.values)]
    events.append(state_event(trial.state, step, wall_time))
    end = _protos.session_end_info(trial.state, wall_time)
    events.append(_events.session_end_event(end, wall_time))
    return events


def complete_session_events(
    trial: FrozenTrial, objectives: Sequence[str], report_times: dict[int, float] | None = None
) -> list[event_pb2.Event]:
    """Every event of a stored trial's session, with its recorded times (so a rewrite is identical).

    A running trial's session is its running session so far (see :func:`running_events`).
    ``report_times``: when each step was reported, if known (the callback saw it); else the end time.
    """
    report_times = report_times or {}
    start = timestamp(trial.datetime_start)
    end = timestamp(trial.datetime_complete, default=start)
    if trial.state == TrialState.RUNNING:
        events = running_events(trial.number, trial.params, trial.distributions, start, start)
    else:
        events = start_events(trial.params, trial.distributions, start, start)
    if len(objectives) == 1:
        for step in sorted(trial.intermediate_values):
            value = trial.intermediate_values[step]
            events.append(intermediate_event(objectives, step, value, report_times.get(step, end)))
    if trial.state == TrialState.RUNNING:
        return events
    return events + final_events(trial, objectives, end)


def write_complete_session(
    logdir: str,
    trial: FrozenTrial,
    objectives: Sequence[str],
    report_times: dict[int, float] | None = None,
) -> str:
    """Write the whole session of ``trial`` as one file, replacing what hpint wrote there before.

    The file name depends only on the trial, so exporting twice leaves one session, not two. A finished
    trial's session replaces its running session, which is deleted once the final one is in place.
    """
    running = _layout.running_session_dir(logdir, trial.number)
    final = trial.state != TrialState.RUNNING
    directory = _layout.trial_session_dir(logdir, trial.number) if final else running
    start = int(timestamp(trial.datetime_start))
    path = os.path.join(directory, f"events.out.tfevents.{start:010d}.session{_layout.HPINT_SUFFIX}")
    events = complete_session_events(trial, objectives, report_times)
    _events.write_file_atomically(path, events, float(start))
    _layout.remove_hpint_files(directory, keep=path)
    if final:
        _layout.remove_hpint_files(running)
    return path
