"""The storage contract, checked on every backend (scikit-learn ``check_estimator`` style).

Each test runs on in-memory storage, on SQLite, PostgreSQL and MySQL through ``get_storage`` (the cached
RDBStorage users get), and on SQLite also as a bare :class:`RDBStorage`. The journal storage runs once
(it needs no database): on a journal file, and on a backend without a lock (a list), which takes the
append-then-replay path every other user-written backend takes. The gRPC proxy client runs in front of
a proxy server (in this process) serving in-memory storage and SQLite (through ``get_storage``).
"""

from __future__ import annotations

import math
import pickle
import threading

import pytest

from hpint._direction import StudyDirection
from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.exceptions import DuplicatedStudyError, StudyNotFoundError, UpdateFinishedTrialError
from hpint.storages import BaseStorage, InMemoryStorage, JournalStorage, RDBStorage, TrialUpdate, get_storage
from hpint.storages.journal import BaseJournalBackend, JournalFileBackend
from hpint.trial import TrialState, create_trial

MIN, MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE
X = FloatDistribution(-10, 10)
N = IntDistribution(1, 8)
C = CategoricalDistribution([None, True, 2, 3.5, "s"])


class ListBackend(BaseJournalBackend):
    """A journal backend without a lock: a list (shared by copies made in one process)."""

    def __init__(self) -> None:
        self.logs: list[dict] = []

    def read_logs(self, log_number_from: int) -> list[dict]:
        return self.logs[log_number_from:]

    def append_logs(self, logs: list[dict]) -> None:
        self.logs.extend(logs)


@pytest.fixture(params=["cached", "bare", "journal", "journal-nolock", "proxy"])
def storage(request, storage_url, tmp_path) -> BaseStorage:
    # "bare" runs on SQLite only, "proxy" on in-memory and SQLite, and the journals with the in-memory
    # combination only (they ignore storage_url): tests/storages/conftest.py deselects the others.
    if request.param == "proxy":
        yield from _proxied(storage_url)
        return
    if request.param == "journal":
        made: BaseStorage = JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
    elif request.param == "journal-nolock":
        made = JournalStorage(ListBackend())
    elif storage_url is None:
        made = InMemoryStorage()
    else:
        made = get_storage(storage_url) if request.param == "cached" else RDBStorage(storage_url)
    yield made
    made.close()


def _proxied(storage_url: str | None):
    pytest.importorskip("grpc")
    from hpint.storages import GrpcStorageProxy
    from hpint.storages._grpc.server import ProxyServer

    served = InMemoryStorage() if storage_url is None else get_storage(storage_url)
    server = ProxyServer(served, host="127.0.0.1", port=0)
    client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
    yield client
    client.close()
    server.stop()
    served.close()


def _study(storage: BaseStorage, directions=(MIN,), name=None) -> int:
    return storage.create_new_study(list(directions), name)


def _running(storage: BaseStorage, study_id: int):
    return storage.create_new_trial(study_id)


# ---- studies ----
def test_create_get_and_list_studies(storage):
    a = _study(storage, [MIN], "a")
    b = _study(storage, [MAX, MIN], "b")
    c = _study(storage)
    assert len({a, b, c}) == 3
    assert storage.get_study_id_from_name("b") == b
    assert storage.get_study(b).directions == [MAX, MIN]
    assert storage.get_study_directions(a) == [MIN]
    assert storage.get_study_name_from_id(a) == "a"
    assert storage.get_study_name_from_id(c).startswith("no-name-")
    assert [s.study_name for s in storage.get_all_studies()][:2] == ["a", "b"]
    assert [s.study_id for s in storage.get_all_studies()] == sorted([a, b, c])


def test_duplicate_study_name(storage):
    _study(storage, name="dup")
    with pytest.raises(DuplicatedStudyError, match="'dup' already exists"):
        _study(storage, name="dup")


def test_missing_study_raises_everywhere(storage):
    missing = _study(storage) + 1000
    with pytest.raises(StudyNotFoundError, match="No study with name 'nope'"):
        storage.get_study_id_from_name("nope")
    calls = [
        lambda: storage.get_study(missing),
        lambda: storage.get_study_directions(missing),
        lambda: storage.delete_study(missing),
        lambda: storage.set_study_attrs(missing, user_attrs={"a": 1}),
        lambda: storage.create_new_trial(missing),
        lambda: storage.get_all_trials(missing),
        lambda: storage.get_waiting_trial_ids(missing),
        lambda: storage.get_trial_id_from_study_id_trial_number(missing, 0),
    ]
    for call in calls:
        with pytest.raises(KeyError):  # StudyNotFoundError is a KeyError, as in Optuna
            call()


def test_study_attrs_insert_overwrite_and_json(storage):
    sid = _study(storage)
    storage.set_study_attrs(
        sid, user_attrs={"a": 1, "nested": {"k": [1, 2.5, None]}}, system_attrs={"s": "x"}
    )
    storage.set_study_user_attr(sid, "a", 2)
    storage.set_study_system_attr(sid, "t", [1, 2])
    assert storage.get_study_user_attrs(sid) == {"a": 2, "nested": {"k": [1, 2.5, None]}}
    assert storage.get_study_system_attrs(sid) == {"s": "x", "t": [1, 2]}
    listed = {s.study_id: s for s in storage.get_all_studies()}[sid]
    assert listed.user_attrs["a"] == 2 and listed.system_attrs["t"] == [1, 2]


def test_delete_study_removes_trials_and_frees_the_name(storage):
    sid = _study(storage, name="gone")
    trial = _running(storage, sid)
    other = _study(storage, name="kept")
    kept = _running(storage, other)
    storage.delete_study(sid)
    with pytest.raises(KeyError):
        storage.get_trial(trial._trial_id)
    with pytest.raises(StudyNotFoundError):
        storage.get_study_id_from_name("gone")
    assert storage.get_trial(kept._trial_id).number == 0
    new = _study(storage, name="gone")
    assert storage.get_all_trials(new) == []


# ---- creating trials ----
def test_new_trials_are_numbered_per_study(storage):
    a, b = _study(storage), _study(storage)
    numbers = [(_running(storage, s).number) for s in (a, a, b, a, b)]
    assert numbers == [0, 1, 0, 2, 1]
    ids = [t._trial_id for t in storage.get_all_trials(a) + storage.get_all_trials(b)]
    assert len(set(ids)) == 5
    first = storage.get_all_trials(a)[0]
    assert first.state == TrialState.RUNNING and first.datetime_start is not None
    assert first.params == {} and first.values is None and first.datetime_complete is None


def test_template_trial_is_copied(storage):
    sid = _study(storage)
    template = create_trial(
        value=-math.inf,
        state=TrialState.PRUNED,
        params={"x": 1.25, "n": 3, "c": "s"},
        distributions={"x": X, "n": N, "c": C},
        user_attrs={"u": {"deep": [1]}},
        system_attrs={"s": 1},
        intermediate_values={0: 1.0, 3: math.inf, 5: -math.inf},
    )
    created = storage.create_new_trial(sid, template_trial=template)
    stored = storage.get_trial(created._trial_id)
    assert stored == created
    assert stored.number == 0 and stored.state == TrialState.PRUNED and stored.values == [-math.inf]
    assert stored.params == {"x": 1.25, "n": 3, "c": "s"}
    assert stored.distributions == {"x": X, "n": N, "c": C}
    assert stored.user_attrs == {"u": {"deep": [1]}} and stored.system_attrs == {"s": 1}
    assert stored.intermediate_values == {0: 1.0, 3: math.inf, 5: -math.inf}
    assert stored.datetime_start == template.datetime_start
    assert stored.datetime_complete == template.datetime_complete


def test_waiting_trials_and_claims(storage):
    sid = _study(storage)
    waiting = [
        storage.create_new_trial(sid, create_trial(state=TrialState.WAITING, system_attrs={"i": i}))
        for i in range(3)
    ]
    assert all(t.datetime_start is None for t in waiting)
    ids = [t._trial_id for t in waiting]
    assert storage.get_waiting_trial_ids(sid) == ids
    assert storage.update_trial(ids[1], TrialUpdate(state=TrialState.RUNNING)) is True
    assert storage.update_trial(ids[1], TrialUpdate(state=TrialState.RUNNING)) is False  # already claimed
    claimed = storage.get_trial(ids[1])
    assert claimed.state == TrialState.RUNNING and claimed.datetime_start is not None
    assert storage.get_waiting_trial_ids(sid) == [ids[0], ids[2]]
    running = _running(storage, sid)
    assert storage.update_trial(running._trial_id, TrialUpdate(state=TrialState.RUNNING)) is False
    # A claimed trial is owned by whoever claimed it: its writes work like any running trial's.
    storage.update_trial(ids[1], TrialUpdate(params={"x": (1.0, X)}, state=TrialState.COMPLETE, values=[1]))
    assert storage.get_trial(ids[1]).params == {"x": 1.0}


def test_start_trial_claims_oldest_waiting_then_creates(storage):
    sid = _study(storage)
    waiting = [storage.create_new_trial(sid, create_trial(state=TrialState.WAITING)) for _ in range(3)]
    # Another worker claims the oldest and even finishes it: start_trial skips it.
    storage.update_trial(waiting[0]._trial_id, TrialUpdate(state=TrialState.RUNNING))
    storage.update_trial(waiting[0]._trial_id, TrialUpdate(state=TrialState.COMPLETE, values=[1.0]))
    started = [storage.start_trial(sid) for _ in range(3)]
    assert [t.number for t in started] == [1, 2, 3]
    assert all(t.state == TrialState.RUNNING and t.datetime_start is not None for t in started)
    assert storage.get_waiting_trial_ids(sid) == []
    assert [t.state for t in storage.get_all_trials(sid)] == [TrialState.COMPLETE] + [TrialState.RUNNING] * 3
    with pytest.raises(KeyError):
        storage.start_trial(sid + 1000)


# ---- updating trials ----
def test_update_trial_writes_every_field(storage):
    sid = _study(storage)
    tid = _running(storage, sid)._trial_id
    storage.update_trial(tid, TrialUpdate(params={"x": (0.1, X), "c": (4, C)}))
    storage.set_trial_param(tid, "n", 2.0, N)
    storage.set_trial_intermediate_value(tid, 0, 0.5)
    storage.update_trial(tid, TrialUpdate(intermediate_values={1: math.inf, 2: -math.inf, 3: math.nan}))
    storage.set_trial_user_attr(tid, "u", {"a": [1, 2]})
    storage.set_trial_system_attr(tid, "s", "v")
    running = storage.get_trial(tid)
    assert running.state == TrialState.RUNNING
    assert running.params == {"x": 0.1, "c": "s", "n": 2}
    assert running.distributions == {"x": X, "c": C, "n": N}
    iv = running.intermediate_values
    assert iv[0] == 0.5 and iv[1] == math.inf and iv[2] == -math.inf and math.isnan(iv[3])
    assert running.user_attrs == {"u": {"a": [1, 2]}} and running.system_attrs == {"s": "v"}
    assert storage.set_trial_state_values(tid, TrialState.COMPLETE, [0.1 + 0.2]) is True
    done = storage.get_trial(tid)
    assert done.state == TrialState.COMPLETE and done.values == [0.1 + 0.2]  # exact round trip
    assert done.datetime_complete is not None and done.datetime_complete >= done.datetime_start
    assert storage.get_trial_params(tid) == running.params
    assert storage.get_trial_number_from_id(tid) == 0
    assert storage.get_trial_user_attrs(tid) == {"u": {"a": [1, 2]}}
    assert storage.get_trial_system_attrs(tid) == {"s": "v"}


def test_values_round_trip_exactly_including_inf(storage):
    sid = _study(storage, [MIN, MAX, MIN])
    tid = _running(storage, sid)._trial_id
    values = [1e-300, -math.inf, math.pi]
    storage.update_trial(tid, TrialUpdate(state=TrialState.PRUNED, values=values))
    assert storage.get_trial(tid).values == values
    assert storage.get_all_trials(sid)[0].values == values


def test_overwriting_values_keeps_the_last(storage):
    sid = _study(storage)
    tid = _running(storage, sid)._trial_id
    storage.set_trial_param(tid, "x", 1.0, X)
    storage.set_trial_param(tid, "x", 2.0, X)
    storage.set_trial_intermediate_value(tid, 4, 1.0)
    storage.set_trial_intermediate_value(tid, 4, 2.0)
    storage.set_trial_user_attr(tid, "k", 1)
    storage.set_trial_user_attr(tid, "k", 2)
    trial = storage.get_trial(tid)
    assert (trial.params, trial.intermediate_values, trial.user_attrs) == ({"x": 2.0}, {4: 2.0}, {"k": 2})


def test_conflicting_distribution_rejects_the_whole_update(storage):
    sid = _study(storage)
    tid = _running(storage, sid)._trial_id
    storage.set_trial_param(tid, "x", 1.0, X)
    before = storage.get_trial(tid)
    bad = TrialUpdate(
        params={"y": (1.0, X), "x": (2.0, FloatDistribution(0, 5))},
        intermediate_values={0: 1.0},
        user_attrs={"u": 1},
        state=TrialState.COMPLETE,
        values=[1.0],
    )
    with pytest.raises(ValueError, match="'x' is already set in trial 0"):
        storage.update_trial(tid, bad)
    assert storage.get_trial(tid) == before
    assert storage.get_all_trials(sid) == [before]


def test_finished_trials_cannot_change(storage):
    sid = _study(storage)
    tid = _running(storage, sid)._trial_id
    storage.update_trial(tid, TrialUpdate(params={"x": (1.0, X)}, state=TrialState.COMPLETE, values=[3.0]))
    before = storage.get_trial(tid)
    for update in (
        TrialUpdate(state=TrialState.FAIL),
        TrialUpdate(params={"y": (1.0, X)}),
        TrialUpdate(user_attrs={"u": 1}),
        TrialUpdate(intermediate_values={1: 1.0}),
        TrialUpdate(state=TrialState.RUNNING),
    ):
        with pytest.raises(UpdateFinishedTrialError, match="Trial 0 is already finished"):
            storage.update_trial(tid, update)
    assert storage.get_trial(tid) == before
    with pytest.raises(UpdateFinishedTrialError):
        storage.check_trial_is_updatable(tid, before.state)


def test_unknown_trial_ids_raise_key_error(storage):
    sid = _study(storage)
    _running(storage, sid)
    with pytest.raises(KeyError):
        storage.get_trial(10**6)
    with pytest.raises(KeyError):
        storage.update_trial(10**6, TrialUpdate(user_attrs={"a": 1}))
    with pytest.raises(KeyError):
        storage.update_trial(10**6, TrialUpdate(intermediate_values={0: 1.0}))  # a report: its own path
    with pytest.raises(KeyError, match="No trial with number 5"):
        storage.get_trial_id_from_study_id_trial_number(sid, 5)


# ---- reading trials ----
def test_get_all_trials_order_states_and_copies(storage):
    sid = _study(storage)
    states = [TrialState.COMPLETE, TrialState.FAIL, TrialState.PRUNED, TrialState.RUNNING]
    for state in states:
        tid = _running(storage, sid)._trial_id
        storage.update_trial(tid, TrialUpdate(params={"x": (1.0, X)}, user_attrs={"l": [1]}))
        if state != TrialState.RUNNING:
            storage.set_trial_state_values(tid, state, [1.0] if state == TrialState.COMPLETE else None)
    storage.create_new_trial(sid, create_trial(state=TrialState.WAITING))
    trials = storage.get_all_trials(sid)
    assert [t.number for t in trials] == [0, 1, 2, 3, 4]
    assert [t.state for t in trials] == states + [TrialState.WAITING]
    finished = storage.get_all_trials(sid, states=(TrialState.COMPLETE, TrialState.PRUNED))
    assert [t.number for t in finished] == [0, 2]
    assert storage.get_n_trials(sid) == 5
    assert storage.get_n_trials(sid, states=(TrialState.RUNNING, TrialState.WAITING)) == 2
    assert storage.get_trial_id_from_study_id_trial_number(sid, 3) == trials[3]._trial_id
    trials[0].params["x"] = 99.0  # deep copies: the storage is unaffected
    trials[0].user_attrs["l"].append(2)
    again = storage.get_all_trials(sid, deepcopy=False)
    assert again[0].params == {"x": 1.0} and again[0].user_attrs == {"l": [1]}


def test_read_trials_sees_what_get_all_trials_sees(storage):
    """``read_trials`` (samplers' uncopied read) shows the same trials, and later changes on a new read."""
    sid = _study(storage)
    first = _running(storage, sid)._trial_id
    storage.set_trial_state_values(first, TrialState.COMPLETE, [1.0])
    _running(storage, sid)
    assert list(storage.read_trials(sid)) == storage.get_all_trials(sid, deepcopy=False)
    storage.set_trial_state_values(storage.read_trials(sid)[1]._trial_id, TrialState.PRUNED)
    storage.create_new_trial(sid, create_trial(state=TrialState.WAITING))
    read = storage.read_trials(sid)
    assert [(t.number, t.state) for t in read] == [
        (0, TrialState.COMPLETE),
        (1, TrialState.PRUNED),
        (2, TrialState.WAITING),
    ]


def test_best_trial(storage):
    sid = _study(storage, [MAX])
    with pytest.raises(ValueError, match="No trials are completed yet"):
        storage.get_best_trial(sid)
    for value in (1.0, 5.0, 5.0, 2.0):
        tid = _running(storage, sid)._trial_id
        storage.set_trial_state_values(tid, TrialState.COMPLETE, [value])
    assert storage.get_best_trial(sid).number == 1
    multi = _study(storage, [MIN, MIN])
    with pytest.raises(RuntimeError, match="several objectives"):
        storage.get_best_trial(multi)


# ---- concurrency and pickling ----
def test_threads_share_one_storage(storage):
    sid = _study(storage)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(5):
                tid = storage.create_new_trial(sid)._trial_id
                storage.set_trial_param(tid, "x", float(seed), X)
                storage.set_trial_intermediate_value(tid, 0, float(i))
                storage.set_trial_state_values(tid, TrialState.COMPLETE, [float(seed * 100 + i)])
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    trials = storage.get_all_trials(sid)
    assert [t.number for t in trials] == list(range(20))
    assert all(t.state == TrialState.COMPLETE and t.values[0] // 100 == t.params["x"] for t in trials)


def test_pickled_storage_sees_the_same_studies(storage):
    sid = _study(storage, name="p")
    tid = _running(storage, sid)._trial_id
    storage.update_trial(tid, TrialUpdate(params={"x": (1.5, X)}, state=TrialState.COMPLETE, values=[2.0]))
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.get_study_id_from_name("p") == sid
    assert copy.get_all_trials(sid) == storage.get_all_trials(sid)
    new = copy.create_new_trial(sid)
    assert new.number == 1
