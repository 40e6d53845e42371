"""Where things go in a logdir, and the one shared record: the experiment.

Layout::

    <logdir>/hparams-experiment-<hash>/   the experiment record (every column of the HParams table)
    <logdir>/trial-<number>/              one session per trial: params, status, metrics, curves

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
_EXPERIMENT_FILE = "events.out.tfevents.0000000000.experiment" + HPINT_SUFFIX


def trial_session_dir(logdir: str | os.PathLike[str], trial: Any) -> str:
    """The directory holding the HParams session of ``trial`` (a trial or its number).

    Point Keras' ``TensorBoard(log_dir=...)`` or Lightning's ``TensorBoardLogger`` there to have their
    curves listed next to the trial's session.

    Example::

        logger = TensorBoardLogger(trial_session_dir("runs", trial), name="", version="")
    """
    number = trial if isinstance(trial, int) else getattr(trial, "number", None)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise TypeError(f"`trial` must be a trial or a non-negative trial number, not {trial!r}.")
    return os.path.join(os.fspath(logdir), f"trial-{number}")


def remove_hpint_files(directory: str, keep: str | None = None) -> None:
    """Delete the event files hpint wrote in ``directory`` (except ``keep``); other files stay."""
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


def read_experiments(logdir: str) -> dict[str, api_pb2.Experiment]:
    """The experiment records on disk, by run directory."""
    found = {}
    try:
        names = os.listdir(logdir)
    except FileNotFoundError:
        return {}
    for name in names:
        if not name.startswith(EXPERIMENT_RUN_PREFIX):
            continue
        run = os.path.join(logdir, name)
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
    twice is a no-op and concurrent writers of one record write one run.
    """
    logdir = os.fspath(logdir)
    existing = read_experiments(logdir)
    merged = experiment if replace else _protos.merge_experiments([*existing.values(), experiment])
    digest = hashlib.sha256(merged.SerializeToString(deterministic=True)).hexdigest()[:16]
    run = os.path.join(logdir, EXPERIMENT_RUN_PREFIX + digest)
    if run not in existing:
        now = time.time()
        _events.write_file_atomically(
            os.path.join(run, _EXPERIMENT_FILE), [_events.experiment_event(merged, now)], now
        )
    for old in existing:
        if old != run:  # every old record is part of `merged` (or replaced on purpose)
            shutil.rmtree(old, ignore_errors=True)
    return merged
