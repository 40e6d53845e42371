"""Where things go in a logdir, and the one shared record: the experiment.

Layout::

    <logdir>/hparams-experiment-<hash>/   the experiment record (every column of the HParams table)
    <logdir>/trial-<number>/              one session per trial: params, status, metrics, curves
    <logdir>/trial-<number>/running/      the session while the trial runs (status RUNNING), removed
                                          when the finished session is written

A running trial has its own run because TensorBoard keeps the first status it reads for a run: a
"Running" session could never turn into "Success". The running session names the trial's run as its
group, so both show as the same row; when the trial ends the final session is written first, then the
running run is deleted and TensorBoard drops it at its next reload.

Why the experiment lives in a content-named run rather than the logdir root: TensorBoard keeps the
*first* summary metadata it reads for a tag in a run, so a second experiment record written into the same
run (even in a newer file) is ignored. A new record therefore goes into a new run, and the old runs are
deleted; TensorBoard drops a run whose directory disappeared at its next reload. Writers merge the records
they find on disk, so workers that each saw different parameters converge on the union.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from typing import Any

from tensorboard.plugins.hparams import api_pb2

from hpint.integrations.tensorboard import _events, _protos

EXPERIMENT_RUN_PREFIX = "hparams-experiment-"
#: Every event file hpint writes ends with this marker, so cleanup never touches other tools' files.
HPINT_SUFFIX = ".hpint"
#: The sub-run of a trial's directory holding its session while it runs.
RUNNING_RUN = "running"
_EXPERIMENT_FILE = "events.out.tfevents.0000000000.experiment" + HPINT_SUFFIX
_MERGE_ROUNDS = 5


def trial_session_dir(logdir: str | os.PathLike[str], trial: Any) -> str:
    """The directory holding the HParams session of ``trial`` (a trial or its number).

    Point Keras' ``TensorBoard(log_dir=...)`` or Lightning's ``TensorBoardLogger`` there to have their
    curves in the trial's session (TensorBoard reads a session's metrics from its run and sub-runs).
    Give Lightning's logger ``default_hp_metric=False``: otherwise it writes an HParams record of its own
    into the run, and TensorBoard keeps whichever record it read first.

    Example::

        directory = trial_session_dir("runs", trial)
        logger = TensorBoardLogger(directory, name="", version="", default_hp_metric=False)
    """
    number = trial if isinstance(trial, int) else getattr(trial, "number", None)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise TypeError(f"`trial` must be a trial or a non-negative trial number, not {trial!r}.")
    return os.path.join(os.fspath(logdir), run_name(number))


def run_name(number: int) -> str:
    """The run (and HParams table row) name of trial ``number``'s session."""
    return f"trial-{number}"


def running_session_dir(logdir: str | os.PathLike[str], trial: Any) -> str:
    """The directory of ``trial``'s session while it runs (see the module docstring)."""
    return os.path.join(trial_session_dir(logdir, trial), RUNNING_RUN)


def remove_hpint_files(directory: str, keep: str | None = None) -> None:
    """Delete the event files hpint wrote in ``directory`` (except ``keep``); other files stay.

    The directory itself goes too when nothing else is left in it, so that TensorBoard drops the run
    instead of keeping what it read from the deleted files.
    """
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        path = os.path.join(directory, name)
        if "tfevents" in name and HPINT_SUFFIX in name and path != keep:
            try:
                os.remove(path)
            except FileNotFoundError:  # another process cleaned up first
                pass
    try:
        os.rmdir(directory)
    except OSError:  # not empty (other tools' files, `keep`), or already gone
        pass


def _experiment_runs(logdir: str) -> list[str]:
    try:
        names = os.listdir(logdir)
    except FileNotFoundError:
        return []
    return [os.path.join(logdir, n) for n in names if n.startswith(EXPERIMENT_RUN_PREFIX)]


def read_experiments(logdir: str) -> dict[str, api_pb2.Experiment]:
    """The experiment records on disk, by run directory."""
    found = {}
    for run in _experiment_runs(logdir):
        try:
            exp = _events.read_experiment(os.path.join(run, _EXPERIMENT_FILE))
        except FileNotFoundError:  # being replaced or removed by another writer
            continue
        if exp is not None:
            found[run] = exp
    return found


def write_experiment(
    logdir: str, experiment: api_pb2.Experiment, replace: bool = False
) -> api_pb2.Experiment:
    """Make ``experiment`` (merged with those on disk unless ``replace``) the logdir's one record.

    Returns the record now on disk. The run name is a hash of the content, so writing the same record
    twice is a no-op and concurrent writers of one record write one run. Writers in other processes may
    add their own record between our read and our write; the merge is then repeated until ours is the
    only record (each round's record contains the previous one, so writers converge on the union).
    """
    logdir = os.fspath(logdir)
    merged = experiment
    for _ in range(_MERGE_ROUNDS):
        existing = read_experiments(logdir)
        if not replace:
            merged = _protos.merge_experiments([*existing.values(), merged])
        run = _write_experiment_run(logdir, merged, existing)
        for old in existing:
            if old != run:  # every old record is part of `merged` (or replaced on purpose)
                shutil.rmtree(old, ignore_errors=True)
        if replace or _experiment_runs(logdir) == [run]:
            break
    return merged


def _write_experiment_run(logdir: str, experiment: api_pb2.Experiment, existing: dict[str, Any]) -> str:
    digest = hashlib.sha256(experiment.SerializeToString(deterministic=True)).hexdigest()[:16]
    run = os.path.join(logdir, EXPERIMENT_RUN_PREFIX + digest)
    if run not in existing:
        now = time.time()
        _events.write_file_atomically(
            os.path.join(run, _EXPERIMENT_FILE), [_events.experiment_event(experiment, now)], now
        )
    return run
