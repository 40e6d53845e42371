"""The gRPC storage proxy beyond the conformance suite: errors, studies, processes, an absent server.

The storage contract itself runs through the proxy in ``test_conformance.py``. Servers run in this
process's background threads (``ProxyServer``) on a free port, except where ``run_grpc_proxy_server``
itself is under test (a spawned process).
"""

from __future__ import annotations

import inspect
import multiprocessing
import socket
import sys
import time

import pytest

import hpint
from hpint.exceptions import (
    DuplicatedStudyError,
    StorageInternalError,
    StudyNotFoundError,
    UpdateFinishedTrialError,
)
from hpint.storages import InMemoryStorage, TrialUpdate, get_storage
from hpint.trial import TrialState

pytest.importorskip("grpc")

from hpint.storages import GrpcStorageProxy, run_grpc_proxy_server  # noqa: E402
from hpint.storages._grpc.server import ProxyServer  # noqa: E402
from tests.storages.test_multiprocess_numbering import (  # noqa: E402
    N_WORKERS,
    TRIALS_PER_WORKER,
    _check,
    _optimize_worker,
    _run_workers,
)

HOST = "127.0.0.1"


@pytest.fixture
def served():
    """(server, client) in front of a new in-memory storage."""
    server = ProxyServer(InMemoryStorage(), host=HOST, port=0)
    client = GrpcStorageProxy(host=HOST, port=server.port)
    yield server, client
    client.close()
    server.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def test_signatures_match_optunas():
    optuna_storages = pytest.importorskip("optuna.storages")
    for name in ("GrpcStorageProxy", "run_grpc_proxy_server"):
        ours = inspect.signature(getattr(hpint.storages, name)).parameters
        theirs = inspect.signature(getattr(optuna_storages, name)).parameters
        assert [(p.name, p.kind, p.default) for p in ours.values()] == [
            (p.name, p.kind, p.default) for p in theirs.values()
        ]


# ---- errors raised by the server's storage reach the client as they are ----
def test_storage_errors_keep_their_type_and_message(served):
    _, client = served
    hpint.create_study(storage=client, study_name="taken")
    with pytest.raises(DuplicatedStudyError, match="'taken' already exists"):
        hpint.create_study(storage=client, study_name="taken")
    with pytest.raises(StudyNotFoundError, match="No study with name 'nope'") as missing:
        hpint.load_study(study_name="nope", storage=client)
    assert isinstance(missing.value, KeyError)
    with pytest.raises(KeyError, match="No trial with id 12345"):
        client.get_trial(12345)

    study = hpint.create_study(storage=client)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial, 1.0)
    with pytest.raises(UpdateFinishedTrialError, match="Trial 0 is already finished") as finished:
        client.set_trial_user_attr(trial._trial_id, "late", 1)
    assert isinstance(finished.value, RuntimeError)
    with pytest.raises(ValueError, match="already set in trial 1"):
        other = study.ask()
        other.suggest_float("x", 0, 1)
        client.set_trial_param(other._trial_id, "x", 0, hpint.distributions.IntDistribution(0, 3))


def test_an_error_of_another_type_names_it(served):
    server, client = served

    def broken(study_id: int) -> list[int]:
        raise OSError(5, "disk on fire")  # a built-in, rebuilt as itself

    server.storage.get_waiting_trial_ids = broken
    with pytest.raises(OSError, match="disk on fire"):
        client.get_waiting_trial_ids(0)

    class Private(Exception):
        pass

    def private(study_id: int) -> list[int]:
        raise Private("not ours to build")

    server.storage.get_waiting_trial_ids = private
    with pytest.raises(StorageInternalError, match="raised .*Private: not ours to build"):
        client.get_waiting_trial_ids(0)


def test_attributes_that_cannot_travel_fail_on_the_client(served):
    _, client = served
    study = hpint.create_study(storage=client)
    trial = study.ask()
    with pytest.raises(TypeError, match="Trial user attributes must be JSON-serialisable"):
        trial.set_user_attr("obj", object())
    with pytest.raises(TypeError, match="Study user attributes must be JSON-serialisable"):
        study.set_user_attr("obj", {1, 2})


# ---- whole studies through the proxy ----
def test_optimize_with_threads_tpe_and_pruner(served):
    _, client = served
    study = hpint.create_study(
        storage=client,
        study_name="tpe",
        sampler=hpint.samplers.TPESampler(seed=0, n_startup_trials=5),
        pruner=hpint.pruners.MedianPruner(n_startup_trials=3),
    )
    study.enqueue_trial({"x": 0.5, "c": "b"})

    def objective(trial: hpint.Trial) -> float:
        x = trial.suggest_float("x", -2, 2)
        c = trial.suggest_categorical("c", ["a", "b", None])
        for step in range(3):
            trial.report(x * x + step, step)
            if trial.should_prune():
                raise hpint.TrialPruned()
        return x * x + (c is None)

    study.optimize(objective, n_trials=30, n_jobs=2)
    loaded = hpint.load_study(study_name="tpe", storage=GrpcStorageProxy(host=HOST, port=served[0].port))
    trials = loaded.get_trials()
    assert sorted(t.number for t in trials) == list(range(30))
    assert trials[0].params == {"x": 0.5, "c": "b"}  # the enqueued trial ran first
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    assert loaded.best_value == min(t.value for t in trials if t.state == TrialState.COMPLETE)
    # What the server's storage holds is what the clients read.
    assert served[0].storage.get_all_trials(loaded._study_id) == trials


def test_clients_see_each_others_running_and_finished_trials(served):
    server, a = served
    b = GrpcStorageProxy(host=HOST, port=server.port)
    study_id = a.create_new_study([hpint.study.StudyDirection.MINIMIZE], "shared")
    trial = a.create_new_trial(study_id)
    assert [t.state for t in b.get_all_trials(study_id)] == [TrialState.RUNNING]
    a.set_trial_user_attr(trial._trial_id, "k", 1)
    assert b.get_all_trials(study_id)[0].user_attrs == {"k": 1}  # a running trial is read again
    assert b.get_all_trials(study_id, states=(TrialState.COMPLETE,)) == []
    a.set_trial_state_values(trial._trial_id, TrialState.COMPLETE, [2.0])
    assert [t.values for t in b.get_all_trials(study_id, states=(TrialState.COMPLETE,))] == [[2.0]]
    assert b.read_trials(study_id)[0].state == TrialState.COMPLETE


def test_a_read_fetches_only_trials_that_changed(served):
    """Finished trials are kept by the client: a second read carries no trial records."""
    _, client = served
    study = hpint.create_study(storage=client)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)
    running = study.ask()
    answers = []
    call = client._call

    def recording(method, *args):
        answer = call(method, *args)
        answers.append((method, answer))
        return answer

    client._call = recording
    assert len(client.get_all_trials(study._study_id)) == 21
    assert len(client.get_all_trials(study._study_id)) == 21
    (m1, (new1, changed1)), (m2, (new2, changed2)) = answers
    assert (m1, m2) == ("trials_since", "trials_since")
    assert len(new1) + len(changed1) <= 1  # only the running trial, if anything
    assert new2 == [] and [position for position, _ in changed2] == [running.number]
    answers.clear()
    assert len(client.get_all_trials(study._study_id, states=(TrialState.COMPLETE,))) == 20
    assert answers == [("trials_since", [[], []])]  # the running one is not even sent
    third = client.read_trials(study._study_id)[3]
    answers.clear()
    assert client.get_trial(third._trial_id) == third
    assert answers == []  # a finished trial: no call


# ---- processes ----
def test_spawned_processes_share_one_study_through_one_proxy(tmp_path):
    """4 spawned worker processes, each with its own (unpickled) client, race on one study behind one
    proxy in front of SQLite; the first 20 trials are enqueued, so they also race to claim them."""
    with ProxyServer(f"sqlite:///{tmp_path / 'proxied.db'}", host=HOST, port=0) as server:
        client = GrpcStorageProxy(host=HOST, port=server.port)
        study = hpint.create_study(storage=client, study_name="shared")
        for i in range(20):
            study.enqueue_trial({"x": float(i) / 10, "n": i})
        results = _run_workers(_optimize_worker, client, "shared")
        _check(client, "shared", results, N_WORKERS * TRIALS_PER_WORKER)
        assert [t.params["n"] for t in study.get_trials()[:20]] == list(range(20))


def _serve_url(url: str, port: int) -> None:
    run_grpc_proxy_server(url, host=HOST, port=port)


def test_run_grpc_proxy_server_serves_a_url_until_stopped(tmp_path):
    url = f"sqlite:///{tmp_path / 'served.db'}"
    port = _free_port()
    process = multiprocessing.get_context("spawn").Process(target=_serve_url, args=(url, port))
    process.start()
    try:
        client = GrpcStorageProxy(host=HOST, port=port)
        client.wait_server_ready(timeout=60)
        study = hpint.create_study(storage=client, study_name="via-url")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
        assert process.is_alive()  # it blocks while serving
    finally:
        process.terminate()
        process.join(30)
    assert len(hpint.load_study(study_name="via-url", storage=url).trials) == 5  # written to the database


# ---- an absent server ----
def test_a_down_server_gives_a_clear_error_and_the_client_reconnects():
    storage = InMemoryStorage()
    server = ProxyServer(storage, host=HOST, port=0)
    port = server.port
    client = GrpcStorageProxy(host=HOST, port=port)
    study = hpint.create_study(storage=client, study_name="kept")
    server.stop()
    with pytest.raises(StorageInternalError, match=f"Cannot reach the hpint storage proxy at {HOST}:{port}"):
        client.get_study_id_from_name("kept")
    with pytest.raises(StorageInternalError, match=f"{HOST}:{port} within 0.2 s"):
        client.wait_server_ready(timeout=0.2)
    server = ProxyServer(storage, host=HOST, port=port)  # back, on the same port and storage
    try:
        client.wait_server_ready(timeout=30)
        assert client.get_study_id_from_name("kept") == study._study_id
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        assert len(storage.get_all_trials(study._study_id)) == 3
    finally:
        server.stop()


def test_no_server_at_all_and_a_busy_port():
    port = _free_port()
    start = time.monotonic()
    with pytest.raises(StorageInternalError, match=f"at {HOST}:{port}.*run_grpc_proxy_server"):
        hpint.create_study(storage=GrpcStorageProxy(host=HOST, port=port))
    assert time.monotonic() - start < 30  # fails, rather than waiting for a server
    with ProxyServer(InMemoryStorage(), host=HOST, port=0) as server:
        with pytest.raises(OSError, match=f"cannot listen on {HOST}:{server.port}"):
            ProxyServer(InMemoryStorage(), host=HOST, port=server.port)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="`port` must be an int in 1..65535, not 0"):
        GrpcStorageProxy(port=0)
    with pytest.raises(TypeError, match="`host` must be a non-empty string"):
        GrpcStorageProxy(host=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`port` must be an int in 0..65535"):
        ProxyServer(InMemoryStorage(), port=70000)
    with pytest.raises(TypeError, match="`thread_pool` must be a ThreadPoolExecutor"):
        ProxyServer(InMemoryStorage(), port=0, thread_pool=4)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="`storage` must be None, a database URL or a storage object"):
        ProxyServer(42, port=0)  # type: ignore[arg-type]


def test_missing_grpcio_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "grpc", None)
    with pytest.raises(ImportError, match=r'pip install "hpint\[grpc\]"'):
        GrpcStorageProxy()
    with pytest.raises(ImportError, match=r'pip install "hpint\[grpc\]"'):
        run_grpc_proxy_server(InMemoryStorage(), port=0)


def test_update_through_the_proxy_of_a_cached_sql_storage(tmp_path):
    """In front of ``get_storage(url)`` (the cache buffers params): another client sees them at once."""
    with ProxyServer(get_storage(f"sqlite:///{tmp_path / 'c.db'}"), host=HOST, port=0) as server:
        a = GrpcStorageProxy(host=HOST, port=server.port)
        b = GrpcStorageProxy(host=HOST, port=server.port)
        study_id = a.create_new_study([hpint.study.StudyDirection.MAXIMIZE], "s")
        trial = a.start_trial(study_id)
        a.update_trial(trial._trial_id, TrialUpdate(user_attrs={"u": [1, 2]}))
        assert b.get_trial(trial._trial_id).user_attrs == {"u": [1, 2]}
        assert a.update_trial(trial._trial_id, TrialUpdate(state=TrialState.COMPLETE, values=[1.5]))
        assert b.get_best_trial(study_id).value == 1.5


def test_a_late_answer_never_replaces_a_finished_record():
    """Two threads' reads may be answered out of order: a RUNNING record read earlier must not undo the
    FINISHED one already kept (finished trials never change), while a newer running record replaces."""
    from hpint.storages._grpc._codec import encode_trial
    from hpint.storages._grpc.client import _StudyTrials

    storage = InMemoryStorage()
    study_id = storage.create_new_study([hpint.study.StudyDirection.MINIMIZE])
    trial_id = storage.create_new_trial(study_id)._trial_id
    running = encode_trial(storage.get_trial(trial_id))
    storage.set_trial_user_attr(trial_id, "k", 1)
    running_later = encode_trial(storage.get_trial(trial_id))
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    finished = encode_trial(storage.get_trial(trial_id))

    known = _StudyTrials()
    assert known.merge(0, [running], []) == []
    assert known.merge(1, [], [[0, running_later]]) == []
    assert known.trials[0].user_attrs == {"k": 1} and known.unfinished == {0}
    assert [t.state for t in known.merge(1, [], [[0, finished]])] == [TrialState.COMPLETE]
    assert known.merge(0, [running], []) == []  # the late answer
    assert known.trials[0].state == TrialState.COMPLETE and known.unfinished == set()


def test_a_journal_storage_behind_the_proxy(tmp_path):
    """Any hpint storage can be served (Optuna's proxy refuses a journal): two clients, two threads each."""
    from hpint.storages import JournalStorage
    from hpint.storages.journal import JournalFileBackend

    journal = JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
    with ProxyServer(journal, host=HOST, port=0) as server:
        clients = [GrpcStorageProxy(host=HOST, port=server.port) for _ in range(2)]
        studies = [hpint.create_study(storage=clients[0], study_name="j")]
        studies.append(hpint.load_study(study_name="j", storage=clients[1]))
        for study in studies:
            study.optimize(lambda t: t.suggest_int("n", 0, 9), n_trials=6, n_jobs=2)
        reread = JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
        trials = reread.get_all_trials(reread.get_study_id_from_name("j"))
        assert [t.number for t in trials] == list(range(12))
        assert all(t.state == TrialState.COMPLETE and t.value == t.params["n"] for t in trials)


def test_a_trial_this_client_runs_is_read_locally_at_tell(served):
    """``tell`` looks at the trial before its final write: that look needs no round trip, and a trial
    another worker finished meanwhile still cannot be told (the write fails on the server)."""
    server, a = served
    study = hpint.create_study(storage=a)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    trial.set_user_attr("u", [1])
    methods = []
    call = a._call

    def recording(method, *args):
        methods.append(method)
        return call(method, *args)

    a._call = recording
    local = a.get_trial_local(trial._trial_id)
    assert local == server.storage.get_trial(trial._trial_id)  # the same record as the server's
    study.tell(trial, 0.5)
    assert methods[0] == "update_trial" and "get_trial" not in methods  # then the log's best-trial read
    assert study.trials[0].value == 0.5

    other = study.ask()
    b = GrpcStorageProxy(host=HOST, port=server.port)
    b.set_trial_state_values(other._trial_id, TrialState.FAIL)
    assert a.get_trial_local(other._trial_id).state == TrialState.RUNNING  # its own view, as documented
    with pytest.raises(UpdateFinishedTrialError):
        a.update_trial(other._trial_id, TrialUpdate(state=TrialState.COMPLETE, values=[1.0]))
    assert a.get_trial_local(other._trial_id).state == TrialState.FAIL  # the view was dropped
