"""The Lightning pruning callback under DDP: 2 CPU processes (gloo), strategies ``ddp``, ``ddp_spawn`` and
``ddp_fork``.

The runs are scripts started as subprocesses (``ddp`` relaunches the script for rank 1), at the same time
to save wall-clock time, each with a timeout so that a hang fails the test instead of blocking CI. See
_lightning_scripts/ddp_study.py for the study: trial 0 completes, trial 1 is pruned after epoch 1.
``ddp_fork`` forks both ranks from the process that runs the study, with the SQLite storage's connections
open: the ranks must use connections of their own, and the study's process must learn rank 0's outcome.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("lightning")
pytest.importorskip("sklearn")

import hpint  # noqa: E402
from hpint.trial import TrialState  # noqa: E402

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).parent / "_lightning_scripts" / "ddp_study.py"
TIMEOUT = 240  # seconds per run; a healthy run takes 20-60 s on 2 busy cores
N_TRIALS = {"ddp": 3, "ddp_spawn": 2, "ddp_fork": 2}  # each ddp_spawn fit starts 2 fresh Python processes


@pytest.fixture(scope="module")
def runs(tmp_path_factory):

    started = {}
    for strategy, n_trials in N_TRIALS.items():
        out = tmp_path_factory.mktemp(strategy)
        url = f"sqlite:///{out / 'study.db'}"
        proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), strategy, url, str(out), str(n_trials)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        started[strategy] = (out, url, proc)
    results = {}
    for strategy, (out, url, proc) in started.items():
        try:
            output, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            output, _ = proc.communicate()
            output = f"TIMED OUT after {TIMEOUT} s\n{output}"
        results[strategy] = (out, url, proc.returncode, output)
    return results


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the run's own session: the script and the ranks it started
    except ProcessLookupError:
        pass


def _epochs_by_rank(log: Path) -> dict[int, list[int]]:
    epochs: dict[int, list[int]] = {}
    for line in log.read_text().splitlines():
        rank, epoch = map(int, line.split())
        epochs.setdefault(rank, []).append(epoch)
    return {rank: sorted(e) for rank, e in epochs.items()}


@pytest.mark.parametrize("strategy", list(N_TRIALS))
def test_rank_zero_records_each_trial_once(runs, strategy):
    out, url, returncode, output = runs[strategy]
    assert returncode == 0, output[-4000:]
    study = hpint.load_study(study_name="ddp", storage=url)
    trials = study.trials
    assert len(trials) == N_TRIALS[strategy]  # no rank > 0 wrote trials of its own
    assert [t.state for t in trials[:2]] == [TrialState.COMPLETE, TrialState.PRUNED]
    assert sorted(trials[0].intermediate_values) == [0, 1, 2, 3]
    assert sorted(trials[1].intermediate_values) == [0, 1]
    assert trials[1].value == trials[1].intermediate_values[1]
    assert trials[1].system_attrs["integration:pruned_step"] == 1
    # The process that ran the study saw what the workers stored (ddp_spawn, ddp_fork: not a stale view).
    summary = json.loads((out / "rank0.json").read_text())
    assert [(s["state"], s["steps"]) for s in summary] == [
        (t.state.name, sorted(t.intermediate_values)) for t in trials
    ]


@pytest.mark.parametrize("strategy", list(N_TRIALS))
def test_every_rank_stops_after_the_same_epoch(runs, strategy):
    out, _, returncode, output = runs[strategy]
    assert returncode == 0, output[-4000:]
    assert _epochs_by_rank(out / "trial0.log") == {0: [0, 1, 2, 3], 1: [0, 1, 2, 3]}
    assert _epochs_by_rank(out / "trial1.log") == {0: [0, 1], 1: [0, 1]}  # 2 of max_epochs=4


def test_ddp_rank_one_mirrors_rank_zero(runs):
    """Under ``ddp``, rank 1 runs its own in-memory study; it ends with rank 0's parameters and states."""
    out, _, returncode, output = runs["ddp"]
    assert returncode == 0, output[-4000:]
    rank0 = json.loads((out / "rank0.json").read_text())
    rank1 = json.loads((out / "rank1.json").read_text())
    assert rank1 == rank0
    assert Counter(s["state"] for s in rank0)["PRUNED"] >= 1
