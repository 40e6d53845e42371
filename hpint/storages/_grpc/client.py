"""``GrpcStorageProxy``: a storage whose every call is answered by a proxy server over gRPC.

Many workers, one database connection pool: each worker holds one gRPC channel to the proxy
(:func:`hpint.storages.run_grpc_proxy_server`), and only the proxy talks to the database.

What the client keeps: finished trials (they never change) and study directions. A read of a study's
trials asks the server only for trials that are new since the last read or were unfinished then, so one
``get_all_trials`` costs one round trip carrying the few trials that changed, not the whole study. Writes
go straight through: another worker sees a trial's parameters as soon as they are set. The trials this
client runs are also kept as it wrote them, for ``tell``'s look at the trial before its final write.
"""

from __future__ import annotations

import datetime
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, Any

from hpint._direction import StudyDirection
from hpint._thread_lock import ThreadLock
from hpint.exceptions import StorageInternalError, UpdateFinishedTrialError
from hpint.storages._base import BaseStorage, FrozenStudy, TrialUpdate, apply_update
from hpint.storages._grpc import _codec
from hpint.storages._grpc._codec import decode_study, decode_trial, dumps, loads
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import grpc

__all__ = ["GrpcStorageProxy"]

SERVICE = "hpint.StorageProxy"
# No size limit on messages (a study of many trials is read in one answer); reconnect within a second of
# the server coming back rather than after gRPC's default back-off, which grows to two minutes.
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", -1),
    ("grpc.max_receive_message_length", -1),
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 1000),
]


def import_grpc() -> Any:
    try:
        import grpc
    except ImportError as e:
        raise ImportError(
            'The gRPC storage proxy needs grpcio: pip install "hpint[grpc]"', name=e.name
        ) from e
    return grpc


class _StudyTrials:
    """The trials of one study as last read, in the server's order (``read_trials`` positions)."""

    def __init__(self) -> None:
        self.trials: list[FrozenTrial] = []
        self.unfinished: set[int] = set()  # positions whose record may still change

    def merge(self, known: int, new: list[Any], changed: list[Any]) -> list[FrozenTrial]:
        """Fold in an answer to "what changed after ``known`` trials, and in these unfinished ones?".

        Answers from threads reading at once may arrive in any order; a finished record is final, so it
        is never replaced, and an unfinished one is replaced by whatever came last (either is current
        enough: it was running when read). Returns the records that were put and are finished.
        """
        put = [self._put(p, decode_trial(t)) for p, t in enumerate(new, start=known)]
        put += [self._put(p, decode_trial(t)) for p, t in changed]
        return [t for t in put if t is not None and t.state.is_finished()]

    def _put(self, position: int, trial: FrozenTrial) -> FrozenTrial | None:
        trials = self.trials
        if position < len(trials):
            if trials[position].state.is_finished():
                return None
            trials[position] = trial
        elif position == len(trials):
            trials.append(trial)
        else:  # cannot happen: answers start at a length this list had, and it only grows
            raise AssertionError(f"trial position {position} after {len(trials)} known trials")
        if trial.state.is_finished():
            self.unfinished.discard(position)
        else:
            self.unfinished.add(position)
        return trial


class GrpcStorageProxy(BaseStorage):
    """A storage served by :func:`hpint.storages.run_grpc_proxy_server` at ``host:port``.

    Use it wherever a storage goes (``create_study(storage=GrpcStorageProxy(host=..., port=...))``).
    Errors the server's storage raises (``DuplicatedStudyError``, ``KeyError``, ``UpdateFinishedTrialError``,
    ...) are raised here with the same type and message. When the server cannot be reached a call raises
    :class:`~hpint.exceptions.StorageInternalError` naming the address; the channel reconnects by itself
    once the server is back (:meth:`wait_server_ready` waits for that). Nothing is retried: a write whose
    connection broke while it was under way may or may not have been applied. Pickling gives a new client
    of the same server, so spawned workers can be handed one. Heartbeats are not proxied.

    Args:
        host: The proxy server's host name or address.
        port: Its port.
    """

    def __init__(self, *, host: str = "localhost", port: int = 13000) -> None:
        if not isinstance(host, str) or not host:
            raise TypeError(f"`host` must be a non-empty string, not {host!r}.")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"`port` must be an int in 1..65535, not {port!r}.")
        grpc = import_grpc()
        self._host = host
        self._port = port
        self._grpc = grpc
        self._channel = grpc.insecure_channel(f"{host}:{port}", options=CHANNEL_OPTIONS)
        self._stubs: dict[str, Any] = {}
        self._lock = ThreadLock()
        self._studies: dict[int, _StudyTrials] = {}
        self._directions: dict[int, list[StudyDirection]] = {}
        self._finished: dict[int, FrozenTrial] = {}  # trial_id -> finished trial
        self._running: dict[int, FrozenTrial] = {}  # trial_id -> a trial this client runs, as it wrote it

    @property
    def address(self) -> str:
        return f"{self._host}:{self._port}"

    def __getstate__(self) -> dict[str, Any]:
        return {"host": self._host, "port": self._port}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(host=state["host"], port=state["port"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"GrpcStorageProxy(host={self._host!r}, port={self._port})"

    def wait_server_ready(self, timeout: float | None = None) -> None:
        """Block until the server answers (at most ``timeout`` seconds; None waits for ever).

        Raises:
            StorageInternalError: it did not answer in time.
        """
        try:
            self._grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except self._grpc.FutureTimeoutError:
            raise StorageInternalError(
                f"No hpint storage proxy answered at {self.address} within {timeout} s; "
                f"is run_grpc_proxy_server running there?"
            ) from None

    def close(self) -> None:
        self._channel.close()

    # ---- one round trip ----
    def _call(self, method: str, *args: Any) -> Any:
        stub = self._stubs.get(method)
        if stub is None:
            stub = self._channel.unary_unary(f"/{SERVICE}/{method}")
            self._stubs[method] = stub
        try:
            answer = loads(stub(dumps(args)))
        except self._grpc.RpcError as e:
            raise self._transport_error(method, e) from None
        if answer[0] == 0:
            return answer[1]
        raise _codec.decode_error(answer[1])

    def _transport_error(self, method: str, error: grpc.RpcError) -> StorageInternalError:
        code, details = error.code(), error.details()  # type: ignore[attr-defined]
        if code == self._grpc.StatusCode.UNAVAILABLE:
            return StorageInternalError(
                f"Cannot reach the hpint storage proxy at {self.address} ({details}); is "
                f"run_grpc_proxy_server running there? The client reconnects once it is back."
            )
        if code == self._grpc.StatusCode.UNIMPLEMENTED:
            return StorageInternalError(
                f"The server at {self.address} does not answer {method!r}: it is not an hpint storage "
                f"proxy, or one of another hpint version."
            )
        return StorageInternalError(
            f"The call {method!r} to the storage proxy at {self.address} failed: {code.name}: {details}"
        )

    # ---- studies ----
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        return self._call("create_new_study", [int(d) for d in directions], study_name)

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)
        with self._lock:
            self._studies.pop(study_id, None)
            self._directions.pop(study_id, None)
            self._finished.clear()  # which of them were this study's is not kept; deleting is rare
            self._running.clear()

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._call("get_study_id_from_name", study_name)

    def get_all_studies(self) -> list[FrozenStudy]:
        return [decode_study(s) for s in self._call("get_all_studies")]

    def get_study(self, study_id: int) -> FrozenStudy:
        return decode_study(self._call("get_study", study_id))

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        directions = self._directions.get(study_id)
        if directions is None:  # they never change
            directions = _codec.decode_directions(self._call("get_study_directions", study_id))
            self._directions[study_id] = directions
        return list(directions)

    def set_study_attrs(
        self,
        study_id: int,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
    ) -> None:
        _codec.check_encodable("Study user attributes", user_attrs)
        _codec.check_encodable("Study system attributes", system_attrs)
        self._call("set_study_attrs", study_id, user_attrs, system_attrs)

    # ---- trials ----
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> FrozenTrial:
        template = None
        if template_trial is not None:
            _codec.check_encodable("Trial user attributes", template_trial.user_attrs)
            _codec.check_encodable("Trial system attributes", template_trial.system_attrs)
            template = _codec.encode_trial(template_trial)
        return self._run(decode_trial(self._call("create_new_trial", study_id, template)))

    def start_trial(self, study_id: int) -> FrozenTrial:
        return self._run(decode_trial(self._call("start_trial", study_id)))

    def _run(self, trial: FrozenTrial) -> FrozenTrial:
        """Keep this client's view of a trial it runs, for :meth:`get_trial_local`."""
        if trial.state == TrialState.RUNNING:
            with self._lock:
                self._running[trial._trial_id] = trial.copy()
        return trial

    def update_trial(self, trial_id: int, update: TrialUpdate) -> bool:
        if update.user_attrs:
            _codec.check_encodable("Trial user attributes", update.user_attrs)
        if update.system_attrs:
            _codec.check_encodable("Trial system attributes", update.system_attrs)
        try:
            applied, finished = self._call("update_trial", trial_id, _codec.encode_update(update))
        except UpdateFinishedTrialError:
            self._running.pop(trial_id, None)  # finished by someone else (e.g. failed as stale)
            raise
        with self._lock:
            if finished is not None:
                self._finished[trial_id] = decode_trial(finished)
                self._running.pop(trial_id, None)
            elif applied and trial_id in self._running:
                self._mirror(trial_id, update)
        return applied

    def _mirror(self, trial_id: int, update: TrialUpdate) -> None:
        """Apply to this client's view of a running trial what the server just applied (lock held)."""
        record = self._running[trial_id].copy()
        try:
            apply_update(record, update, datetime.datetime.now())
        except (ValueError, UpdateFinishedTrialError):  # the view missed others' writes: stop keeping it
            del self._running[trial_id]
            return
        self._running[trial_id] = record

    def get_trial_local(self, trial_id: int) -> FrozenTrial:
        """A trial this client runs, as it wrote it (no round trip; misses what other processes did to
        it, such as failing it as stale: a later write then fails as it should); else :meth:`get_trial`."""
        record = self._running.get(trial_id)
        return record.copy() if record is not None else self.get_trial(trial_id)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        finished = self._finished.get(trial_id)
        if finished is not None:
            return finished.copy()
        trial = decode_trial(self._call("get_trial", trial_id))
        if trial.state.is_finished():
            with self._lock:
                self._finished[trial_id] = trial
            return trial.copy()
        return trial

    def get_all_trials(
        self,
        study_id: int,
        deepcopy: bool = True,
        states: Container[TrialState] | None = None,
    ) -> list[FrozenTrial]:
        finished_only = (
            states is not None and TrialState.RUNNING not in states and TrialState.WAITING not in states
        )
        trials = self._sync(study_id, finished_only)
        if states is not None:
            trials = [t for t in trials if t.state in states]
        return [t.copy() for t in trials] if deepcopy else list(trials)

    def read_trials(self, study_id: int) -> Sequence[FrozenTrial]:
        return self._sync(study_id, False)  # the live list: records are replaced, never changed

    def get_waiting_trial_ids(self, study_id: int) -> list[int]:
        return self._call("get_waiting_trial_ids", study_id)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        known = self._studies.get(study_id)
        if known is not None and 0 <= trial_number < len(known.trials):
            trial = known.trials[trial_number]
            if trial.number == trial_number:
                return trial._trial_id
        return self._call("get_trial_id_from_study_id_trial_number", study_id, trial_number)

    def _sync(self, study_id: int, finished_only: bool) -> list[FrozenTrial]:
        """The study's trials after one round trip for what changed since the last read.

        ``finished_only``: the caller keeps only finished trials, so the server leaves out the records of
        trials that are still running (their last-read ones are filtered out anyway).
        """
        with self._lock:
            study = self._studies.get(study_id)
            if study is None:
                study = self._studies[study_id] = _StudyTrials()
            known, unfinished = len(study.trials), sorted(study.unfinished)
        new, changed = self._call("trials_since", study_id, known, unfinished, finished_only)
        with self._lock:
            for trial in study.merge(known, new, changed):
                self._finished[trial._trial_id] = trial
            return study.trials
