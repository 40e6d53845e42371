"""The journal storage beyond the shared contract: processes sharing a file, crashes mid-append, the lock
files, replay in a fresh process, incremental reads, and Optuna's names.

(The contract itself, every storage's, runs in ``test_conformance.py``.)
"""

from __future__ import annotations

import inspect
import json
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty
from typing import Any

import pytest

import hpint
from hpint._direction import StudyDirection
from hpint.distributions import FloatDistribution
from hpint.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from hpint.storages import JournalStorage, TrialUpdate
from hpint.storages.journal import (
    BaseJournalBackend,
    JournalFileBackend,
    JournalFileOpenLock,
    JournalFileSymlinkLock,
    _file,
)
from hpint.trial import TrialState, create_trial

X = FloatDistribution(-10, 10)
MIN = StudyDirection.MINIMIZE
LOCKS = {"symlink": JournalFileSymlinkLock, "open": JournalFileOpenLock}
_ROOT = str(Path(hpint.__file__).resolve().parents[1])


def _storage(path: Path, lock: str = "symlink", **lock_args: Any) -> JournalStorage:
    return JournalStorage(JournalFileBackend(str(path), LOCKS[lock](str(path), **lock_args)))


@pytest.fixture
def hpint_log(caplog: pytest.LogCaptureFixture) -> Any:
    """``caplog`` that sees hpint's records (its logger does not propagate to the root logger)."""
    logger = logging.getLogger("hpint")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _summary(trials: list[hpint.FrozenTrial]) -> list[tuple]:
    return [
        (t.number, t.state.name, t.params, t.values, t.intermediate_values, t.user_attrs, t.system_attrs)
        for t in trials
    ]


# ---- several processes on one file ----
N_WORKERS, TRIALS_PER_WORKER, N_ENQUEUED = 3, 15, 10
TIMEOUT = 120


def _worker(path: str, lock: str, worker: int, barrier: Any, queue: Any) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study = hpint.load_study(study_name="shared", storage=_storage(Path(path), lock))
    told: list[int] = []

    def objective(trial: hpint.Trial) -> float:
        trial.set_user_attr("worker", worker)
        x = trial.suggest_float("x", -10, 10)
        trial.report(x, 0)
        return x + 1000 * trial.suggest_int("n", 0, 100)

    barrier.wait(timeout=TIMEOUT)
    study.optimize(objective, n_trials=TRIALS_PER_WORKER, callbacks=[lambda s, t: told.append(t.number)])
    queue.put((worker, told))


def _run_workers(path: Path, lock: str) -> dict[int, list[int]]:
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(N_WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(path), lock, w, barrier, queue)) for w in range(N_WORKERS)]
    for p in procs:
        p.start()
    results: dict[int, list[int]] = {}
    try:
        deadline = time.monotonic() + TIMEOUT
        while len(results) < N_WORKERS and time.monotonic() < deadline:
            try:
                worker, told = queue.get(timeout=0.5)
            except Empty:  # fail at once if a worker died without a result
                assert all(p.exitcode in (None, 0) for p in procs), [p.exitcode for p in procs]
                continue
            results[worker] = told
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * N_WORKERS
    return results


def test_processes_appending_to_one_file_get_unique_gap_free_numbers(tmp_path):
    """3 spawned processes x 15 trials at once, racing to claim 10 enqueued trials and to create others."""
    path = tmp_path / "journal.log"
    study = hpint.create_study(storage=_storage(path), study_name="shared")
    for i in range(N_ENQUEUED):
        study.enqueue_trial({"x": i / 10, "n": i})
    results = _run_workers(path, "symlink")
    trials = hpint.load_study(study_name="shared", storage=_storage(path)).get_trials()
    total = N_WORKERS * TRIALS_PER_WORKER
    assert [t.number for t in trials] == list(range(total))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(n for told in results.values() for n in told) == list(range(total))
    for worker, told in results.items():  # each trial holds its own worker's writes
        for number in told:
            assert trials[number].user_attrs["worker"] == worker
            assert trials[number].value == trials[number].params["x"] + 1000 * trials[number].params["n"]
            assert trials[number].intermediate_values == {0: trials[number].params["x"]}
    assert [(t.params["x"], t.params["n"]) for t in trials[:N_ENQUEUED]] == [
        (i / 10, i) for i in range(N_ENQUEUED)
    ]
    assert not Path(str(path) + ".lock").exists()


@pytest.mark.parametrize("lock", ["symlink", "open"])
def test_storage_objects_in_threads_exclude_each_other_through_the_lock_file(tmp_path, lock, hpint_log):
    """Each storage object has its own backend, so only the lock file keeps their appends apart. (Without
    it the results would still be right: a writer that finds the file grew under its append replays the
    log, with a warning; that must not have happened.)"""
    path = tmp_path / "journal.log"
    sid = _storage(path, lock).create_new_study([MIN], "s")
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        storage = _storage(path, lock)
        try:
            for _ in range(10):
                trial = storage.start_trial(sid)
                storage.update_trial(trial._trial_id, TrialUpdate(params={"x": (float(seed), X)}))
                storage.update_trial(trial._trial_id, TrialUpdate(state=TrialState.COMPLETE, values=[seed]))
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    trials = _storage(path, lock).get_all_trials(sid)
    assert [t.number for t in trials] == list(range(40))
    assert all(t.params["x"] == t.values[0] for t in trials)
    assert all(json.loads(line) for line in _lines(path))  # no two appends interleaved
    assert "replaying the log again" not in hpint_log.text


def _optimize_inherited(study: hpint.Study) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_children_share_the_inherited_storage(tmp_path):
    """Children forked from a process using the storage write through their inherited copy."""
    path = tmp_path / "journal.log"
    study = hpint.create_study(storage=_storage(path), study_name="forked")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)  # the parent has replayed state
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_optimize_inherited, args=(study,)) for _ in range(2)]
    for p in procs:
        p.start()
    _optimize_inherited(study)
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(16))
    assert all(t.state == TrialState.COMPLETE for t in trials)


# ---- a crash mid-append ----
TORN = b'{"op":"update_trial","trial_id":0,"state":1,"val'  # what a killed writer leaves: no newline


def _study_with_trials(path: Path, n: int) -> JournalStorage:
    storage = _storage(path)
    sid = storage.create_new_study([MIN], "s")
    for i in range(n):
        tid = storage.start_trial(sid)._trial_id
        storage.update_trial(
            tid, TrialUpdate(params={"x": (float(i), X)}, state=TrialState.COMPLETE, values=[i])
        )
    return storage


def test_a_torn_last_line_is_not_read_and_the_next_writer_ends_it(tmp_path, hpint_log):
    path = tmp_path / "journal.log"
    before = _study_with_trials(path, 3)
    with path.open("ab") as f:
        f.write(TORN)
    reader = _storage(path)
    assert _summary(reader.get_all_trials(0)) == _summary(before.get_all_trials(0))
    created = reader.create_new_trial(0)  # the next writer: ends the torn line first
    assert created.number == 3
    assert _lines(path)[-2] == TORN + b"\n" and json.loads(_lines(path)[-1])["op"] == "create_trial"
    assert "incomplete last line" in hpint_log.text
    fresh = _storage(path)
    trials = fresh.get_all_trials(0)  # the torn line is skipped, with a warning
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3 + [TrialState.RUNNING]
    assert "not a JSON record" in hpint_log.text
    assert _summary(before.get_all_trials(0)) == _summary(trials)  # the old reader agrees
    before.update_trial(created._trial_id, TrialUpdate(state=TrialState.FAIL))  # later appends readable
    assert _storage(path).get_trial(created._trial_id).state == TrialState.FAIL


def test_a_line_being_written_is_read_once_complete(tmp_path):
    """A reader between two halves of another process's write sees nothing, then the whole record."""
    path = tmp_path / "journal.log"
    storage = _study_with_trials(path, 1)
    line = json.dumps({"op": "create_trial", "study_id": 0, "datetime": "2025-01-01T00:00:00"}) + "\n"
    with path.open("ab") as f:
        f.write(line[:20].encode())
    assert storage.get_n_trials(0) == 1
    with path.open("ab") as f:
        f.write(line[20:].encode())
    assert [t.number for t in storage.get_all_trials(0)] == [0, 1]


def test_a_writer_crashing_mid_write_leaves_a_readable_log(tmp_path, monkeypatch):
    """The write dies after half its bytes (as under SIGKILL); the writer's own state is dropped, every
    storage object agrees on the log, and the writer can go on."""
    path = tmp_path / "journal.log"
    storage = _study_with_trials(path, 2)
    real_write = os.write

    def half_then_die(fd: int, data: Any) -> int:
        real_write(fd, bytes(data)[: len(data) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(_file.os, "write", half_then_die)
    with pytest.raises(KeyboardInterrupt):
        storage.create_new_trial(0)
    monkeypatch.setattr(_file.os, "write", real_write)
    assert not path.read_bytes().endswith(b"\n")
    assert storage.get_n_trials(0) == 2  # the record it applied is gone with the torn line
    assert storage.create_new_trial(0).number == 2
    assert _summary(_storage(path).get_all_trials(0)) == _summary(storage.get_all_trials(0))


def test_an_unterminated_but_complete_record_counts_for_everyone(tmp_path):
    """A writer that died just before its newline wrote a whole record: once ended, it applies everywhere."""
    path = tmp_path / "journal.log"
    first = _study_with_trials(path, 1)
    with path.open("ab") as f:
        f.write(json.dumps({"op": "create_trial", "study_id": 0, "datetime": "2025-01-01T00:00:00"}).encode())
    assert first.get_n_trials(0) == 1
    assert _storage(path).create_new_trial(0).number == 2
    assert [t.number for t in first.get_all_trials(0)] == [0, 1, 2]


# ---- failed writes append nothing ----
def test_failed_writes_append_nothing(tmp_path):
    path = tmp_path / "journal.log"
    storage = _study_with_trials(path, 1)
    waiting = storage.create_new_trial(0, create_trial(state=TrialState.WAITING))
    assert storage.update_trial(waiting._trial_id, TrialUpdate(state=TrialState.RUNNING)) is True
    storage.update_trial(waiting._trial_id, TrialUpdate(params={"x": (1.0, X)}))
    size = path.stat().st_size
    other = _storage(path)
    with pytest.raises(UpdateFinishedTrialError):
        other.update_trial(0, TrialUpdate(user_attrs={"late": 1}))
    with pytest.raises(ValueError, match="already set"):
        other.update_trial(waiting._trial_id, TrialUpdate(params={"x": (1.0, FloatDistribution(0, 1))}))
    with pytest.raises(DuplicatedStudyError):
        other.create_new_study([MIN], "s")
    with pytest.raises(TypeError):
        other.update_trial(waiting._trial_id, TrialUpdate(user_attrs={"f": object()}))
    assert other.update_trial(waiting._trial_id, TrialUpdate(state=TrialState.RUNNING)) is False
    assert path.stat().st_size == size


class _LockFreeBackend(BaseJournalBackend):
    """A backend without a lock whose appends land after one ``intruder`` record (another process's)."""

    def __init__(self) -> None:
        self.logs: list[dict] = []
        self.intruder: dict | None = None

    def read_logs(self, log_number_from: int) -> list[dict]:
        return self.logs[log_number_from:]

    def append_logs(self, logs: list[dict]) -> None:
        if self.intruder is not None:
            self.logs.append(self.intruder)
            self.intruder = None
        self.logs.extend(logs)


def test_without_a_lock_the_loser_of_a_race_gets_the_error_and_everyone_skips_its_record():
    backend = _LockFreeBackend()
    storage = JournalStorage(backend)
    sid = storage.create_new_study([MIN], "s")
    tid = storage.create_new_trial(sid)._trial_id
    backend.intruder = {
        "op": "update_trial",
        "trial_id": tid,
        "state": 1,
        "values": [1.0],
        "datetime": "2025-01-01T00:00:00",
    }
    with pytest.raises(UpdateFinishedTrialError):
        storage.update_trial(tid, TrialUpdate(state=TrialState.FAIL))
    assert len(backend.logs) == 4  # the losing record is in the log ...
    for reader in (storage, JournalStorage(backend)):  # ... and skipped by every replay
        assert reader.get_trial(tid).state == TrialState.COMPLETE
        assert reader.get_trial(tid).values == [1.0]


def test_a_write_under_a_lock_taken_as_stale_is_placed_by_a_full_replay(tmp_path, hpint_log):
    """Another process took our lock as stale and appended between our read and our append: our record is
    after theirs, and what we return must be what every replay gives."""
    path = tmp_path / "journal.log"
    storage = _study_with_trials(path, 1)
    intruder = json.dumps({"op": "create_trial", "study_id": 0, "datetime": "2025-01-01T00:00:00"}) + "\n"
    backend = storage.backend
    assert isinstance(backend, JournalFileBackend)
    real = backend.append_encoded

    def append_after_intruder(data: bytes, n_records: int, durable: bool) -> bool:
        with path.open("ab") as f:
            f.write(intruder.encode())
        return real(data, n_records, durable)

    backend.append_encoded = append_after_intruder  # type: ignore[method-assign]
    created = storage.create_new_trial(0)
    assert "replaying the log again" in hpint_log.text
    assert created.number == 2
    assert _summary(storage.get_all_trials(0)) == _summary(_storage(path).get_all_trials(0))


# ---- the lock files ----
def _acquires_within(lock: JournalFileSymlinkLock | JournalFileOpenLock, seconds: float) -> bool:
    """Whether ``lock.acquire()`` returns within ``seconds`` (a lock that waits forever fails the test
    without hanging it)."""
    done = threading.Event()
    threading.Thread(target=lambda: (lock.acquire(), done.set()), daemon=True).start()
    return done.wait(seconds)


@pytest.mark.parametrize("kind", ["symlink", "open"])
def test_lock_excludes_and_a_stale_one_is_removed_after_the_grace_period(tmp_path, kind, hpint_log):
    path = str(tmp_path / "journal.log")
    holder, waiter = LOCKS[kind](path), LOCKS[kind](path, grace_period=None)
    assert holder.acquire() is True
    acquired = threading.Event()
    thread = threading.Thread(target=lambda: (waiter.acquire(), acquired.set()))
    thread.start()
    assert not acquired.wait(0.3)  # blocked while the holder holds it
    holder.release()
    assert acquired.wait(5)
    thread.join()
    # The waiter "dies" holding the lock: the file stays. Made 60 s old, a grace period of 30 s removes it.
    os.utime(path + ".lock", (time.time() - 60,) * 2, follow_symlinks=False)
    assert _acquires_within(LOCKS[kind](path, grace_period=30), 5)
    assert "held for 60 s" in hpint_log.text
    waiter.release()  # the dead holder's release, had it come back, changes nothing and says so
    assert "removed as stale while this process held it" in hpint_log.text
    assert os.path.lexists(path + ".lock")


def test_a_fresh_lock_is_not_taken_as_stale(tmp_path):
    path = str(tmp_path / "journal.log")
    holder = JournalFileSymlinkLock(path, grace_period=1)
    holder.acquire()
    acquired = threading.Event()
    thread = threading.Thread(
        target=lambda: (JournalFileSymlinkLock(path, grace_period=1).acquire(), acquired.set())
    )
    thread.start()
    assert not acquired.wait(0.3)
    assert acquired.wait(5)  # after the grace period of 1 s
    thread.join()
    with pytest.raises(ValueError, match="grace_period"):
        JournalFileOpenLock(path, grace_period=0)


# ---- replay ----
_REPLAY = """
import json, sys
import hpint
from hpint.storages import JournalStorage
from hpint.storages.journal import JournalFileBackend

storage = JournalStorage(JournalFileBackend(sys.argv[1]))
out = {}
for study in hpint.get_all_study_summaries(storage):
    trials = hpint.load_study(study_name=study.study_name, storage=storage).trials
    out[study.study_name] = [
        [t.number, t.state.name, t.params, t.values, {str(k): v for k, v in t.intermediate_values.items()},
         t.user_attrs, t.system_attrs, str(t.datetime_start), str(t.datetime_complete)]
        for t in trials
    ]
print(json.dumps(out))
"""


def test_a_fresh_process_replays_the_same_studies(tmp_path):
    path = tmp_path / "journal.log"
    storage = _storage(path)
    hpint.create_study(storage=storage, study_name="gone").optimize(lambda t: t.suggest_float("x", 0, 1), 2)
    study = hpint.create_study(storage=storage, study_name="kept", direction="maximize")
    study.enqueue_trial({"x": 0.5})
    study.add_trial(create_trial(value=3.0, params={"x": 0.25}, distributions={"x": FloatDistribution(0, 1)}))

    def objective(trial: hpint.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.set_user_attr("u", [x, {"nested": True}])
        for step in range(3):
            trial.report(x * step, step)
        if trial.number == 3:
            raise hpint.TrialPruned()
        return x

    study.optimize(objective, n_trials=4)
    hpint.delete_study(study_name="gone", storage=storage)
    env = {**os.environ, "PYTHONPATH": _ROOT}
    out = subprocess.run([sys.executable, "-c", _REPLAY, str(path)], env=env, capture_output=True, check=True)
    replayed = json.loads(out.stdout)
    expected = [
        [t.number, t.state.name, t.params, t.values, {str(k): v for k, v in t.intermediate_values.items()}]
        + [t.user_attrs, t.system_attrs, str(t.datetime_start), str(t.datetime_complete)]
        for t in study.trials
    ]
    assert list(replayed) == ["kept"]
    assert replayed["kept"] == json.loads(json.dumps(expected))
    assert [t[1] for t in replayed["kept"]] == ["COMPLETE", "COMPLETE", "COMPLETE", "PRUNED", "COMPLETE"]


def test_reads_resume_where_the_last_one_stopped(tmp_path, monkeypatch):
    """The hot path reads only the new tail of the log: every read after the first starts at the byte
    where the previous one stopped, never at the start of the file."""
    path = tmp_path / "journal.log"
    storage = _study_with_trials(path, 3)
    offsets: list[int] = []
    real = _file._read_from

    def spy(file_path: str, offset: int) -> bytes:
        offsets.append(offset)
        return real(file_path, offset)

    monkeypatch.setattr(_file, "_read_from", spy)
    study = hpint.load_study(study_name="s", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", -10, 10), n_trials=5)
    assert len(offsets) > 10 and min(offsets) > 0
    assert offsets == sorted(offsets)


# ---- Optuna's names ----
def test_optuna_names_and_signatures():
    import hpint as optuna

    assert optuna.storages.JournalStorage is JournalStorage
    assert optuna.storages.journal.JournalFileBackend is JournalFileBackend
    assert issubclass(optuna.storages.JournalFileStorage, JournalFileBackend)
    assert issubclass(optuna.storages.BaseJournalLogStorage, BaseJournalBackend)
    assert optuna.storages.JournalFileSymlinkLock is JournalFileSymlinkLock
    assert optuna.storages.JournalFileOpenLock is JournalFileOpenLock
    with pytest.raises(AttributeError, match="no Redis journal backend"):
        optuna.storages.JournalRedisStorage  # noqa: B018
    real = pytest.importorskip("optuna")
    pairs = [
        (JournalStorage, real.storages.JournalStorage),
        (JournalFileBackend, real.storages.journal.JournalFileBackend),
        (JournalFileSymlinkLock, real.storages.journal.JournalFileSymlinkLock),
        (JournalFileOpenLock, real.storages.journal.JournalFileOpenLock),
        (JournalFileBackend.read_logs, real.storages.journal.BaseJournalBackend.read_logs),
        (JournalFileBackend.append_logs, real.storages.journal.BaseJournalBackend.append_logs),
    ]
    for ours, theirs in pairs:
        sig_ours, sig_theirs = inspect.signature(ours), inspect.signature(theirs)
        assert [(p.name, p.default) for p in sig_ours.parameters.values()] == [
            (p.name, p.default) for p in sig_theirs.parameters.values()
        ], ours


def test_optuna_style_code_runs(tmp_path):
    import hpint as optuna

    storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(str(tmp_path / "j.log")))
    study = optuna.create_study(storage=storage, study_name="o", load_if_exists=True)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=3)
    again = optuna.create_study(storage=storage, study_name="o", load_if_exists=True)
    assert len(again.trials) == 3
    with pytest.raises(TypeError, match="journal backend"):
        optuna.storages.JournalStorage(str(tmp_path / "j.log"))  # type: ignore[arg-type]
