"""Two worker processes on one SQLite study prune as one process would (real processes, not threads)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import hpint
from hpint.pruners import HyperbandPruner
from hpint.trial import TrialState

from . import _process_worker as worker

pytest.importorskip("sqlalchemy")

WORKER = str(Path(worker.__file__))
KINDS = ["median", "asha_auto", "hyperband_auto"]


def start(url: str, n_trials: int, specs: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, WORKER, url, str(n_trials), *specs], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def outcome(study: hpint.Study) -> list[tuple]:
    """Per trial: state, how many steps it reported, and the rung values it recorded."""
    return [(t.state, len(t.intermediate_values), sorted(t.system_attrs.items())) for t in study.get_trials()]


def test_two_processes_one_after_the_other_decide_as_one_process(tmp_path):
    """Process 1 runs trials 0-4, process 2 (its own pruner, storage cache and "auto" resolution) runs
    trials 5-9; a single in-memory run of the same 10 trials must match trial for trial."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    for kind in KINDS:
        hpint.create_study(storage=url, study_name=f"seq-{kind}")
    specs = [f"seq-{kind}:{kind}" for kind in KINDS]
    finish(start(url, 5, specs))
    finish(start(url, 5, specs))
    for kind in KINDS:
        storage = hpint.storages.InMemoryStorage()
        hpint.create_study(storage=storage, study_name=f"seq-{kind}")  # same name: same Hyperband brackets
        worker.run(storage, f"seq-{kind}", worker.PRUNERS[kind](), 10)
        single = hpint.load_study(study_name=f"seq-{kind}", storage=storage)
        shared = hpint.load_study(study_name=f"seq-{kind}", storage=url)
        expected = outcome(single)
        assert outcome(shared) == expected, kind
        assert any(state == TrialState.PRUNED for state, _, _ in expected), f"{kind} pruned nothing"


def test_two_processes_at_once_share_brackets_rungs_and_auto_resources(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    kinds = ["asha", "hyperband_auto"]
    for kind in kinds:
        hpint.create_study(storage=url, study_name=f"par-{kind}")
    specs = [f"par-{kind}:{kind}" for kind in kinds]
    workers = [start(url, 6, specs), start(url, 6, specs)]
    for process in workers:
        finish(process)

    for kind in kinds:
        study = hpint.load_study(study_name=f"par-{kind}", storage=url)
        trials = study.get_trials()
        assert [t.number for t in trials] == list(range(12))  # nothing lost, no number twice
        assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
        assert len({t.user_attrs["pid"] for t in trials}) == 2
        group = {t.number: 0 for t in trials}
        if kind == "hyperband_auto":
            # both processes resolved "auto" to the one stored value, and agree on every bracket
            assert study.system_attrs["hyperband:max_resource"] == worker.N_STEPS
            pruner = HyperbandPruner(min_resource=1, max_resource=worker.N_STEPS, reduction_factor=2)
            group = {t.number: pruner.bracket_id(study, t.number) for t in trials}
            for t in trials:
                if "bracket" in t.user_attrs:
                    assert t.user_attrs["bracket"] == group[t.number]
                    assert t.user_attrs["n_brackets"] == pruner.n_brackets
        _check_rung_invariants(trials, group)


def _check_rung_invariants(trials, group):
    """Whatever the interleaving: a trial pruned at a rung lost to a strictly better value recorded there
    by a trial of its group, and the strictly best value of a rung was never pruned there."""
    for t in trials:
        keys = sorted(k for k in t.system_attrs if k.startswith("completed_rung_"))
        if not keys:
            continue
        last = keys[-1]
        rivals = [
            u.system_attrs[last]
            for u in trials
            if u is not t and last in u.system_attrs and group[u.number] == group[t.number]
        ]
        pruned_here = t.state == TrialState.PRUNED  # these pruners decide only when a rung is recorded
        if pruned_here:
            assert any(r < t.system_attrs[last] for r in rivals), (t.number, last)
        if rivals and t.system_attrs[last] < min(rivals):
            assert not pruned_here, (t.number, last)
