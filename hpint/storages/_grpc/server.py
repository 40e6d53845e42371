"""The proxy server: answers :class:`GrpcStorageProxy` calls from one storage (one connection pool).

No generated code: each storage call is a gRPC method of the service ``hpint.StorageProxy`` registered
through a generic handler, whose request and answer are the JSON of ``_codec``. An answer is ``[0, result]``
or ``[1, error]``: the storage's exceptions travel as data, so the client raises the same type, while
gRPC's own status codes are left to mean what they say (server unreachable, unknown method).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hpint.storages._base import BaseStorage
from hpint.storages._grpc import _codec
from hpint.storages._grpc._codec import (
    decode_directions,
    decode_trial,
    decode_update,
    encode_study,
    encode_trial,
)
from hpint.storages._grpc.client import CHANNEL_OPTIONS, SERVICE, import_grpc

__all__ = ["ProxyServer", "run_grpc_proxy_server"]

_logger = logging.getLogger("hpint.storages.grpc")
DEFAULT_THREADS = 10


def _trials_since(
    storage: BaseStorage, study_id: int, known: int, unfinished: list[int], finished_only: bool
) -> list[Any]:
    """The study's trials after the first ``known``, and the current records at the ``unfinished``
    positions (only those now finished, if ``finished_only``): what a client lacks to be up to date."""
    trials = storage.read_trials(study_id)
    new = [encode_trial(t) for t in trials[known:]]
    changed = []
    for position in unfinished:
        if position < len(trials):
            trial = trials[position]
            if not finished_only or trial.state.is_finished():
                changed.append([position, encode_trial(trial)])
    return [new, changed]


def _update_trial(storage: BaseStorage, trial_id: int, encoded: list[Any]) -> list[Any]:
    """``[applied, record]``: the record when the update finished the trial, which the client then keeps
    (the objective loop reads the trial right after ``tell``), else None."""
    update = decode_update(encoded)
    applied = storage.update_trial(trial_id, update)
    finished = applied and update.state is not None and update.state.is_finished()
    return [applied, encode_trial(storage.get_trial(trial_id)) if finished else None]


def _optional_trial(encoded: list[Any] | None) -> Any:
    return None if encoded is None else decode_trial(encoded)


# Each method: (storage, *JSON arguments) -> JSON result.
_METHODS: dict[str, Callable[..., Any]] = {
    "create_new_study": lambda s, directions, name: s.create_new_study(decode_directions(directions), name),
    "delete_study": lambda s, study_id: s.delete_study(study_id),
    "get_study_id_from_name": lambda s, name: s.get_study_id_from_name(name),
    "get_all_studies": lambda s: [encode_study(study) for study in s.get_all_studies()],
    "get_study": lambda s, study_id: encode_study(s.get_study(study_id)),
    "get_study_directions": lambda s, study_id: [int(d) for d in s.get_study_directions(study_id)],
    "set_study_attrs": lambda s, study_id, user, system: s.set_study_attrs(study_id, user, system),
    "create_new_trial": lambda s, study_id, template: encode_trial(
        s.create_new_trial(study_id, _optional_trial(template))
    ),
    "start_trial": lambda s, study_id: encode_trial(s.start_trial(study_id)),
    "update_trial": _update_trial,
    "get_trial": lambda s, trial_id: encode_trial(s.get_trial(trial_id)),
    "get_waiting_trial_ids": lambda s, study_id: s.get_waiting_trial_ids(study_id),
    "get_trial_id_from_study_id_trial_number": lambda s, study_id, number: (
        s.get_trial_id_from_study_id_trial_number(study_id, number)
    ),
    "trials_since": _trials_since,
}


def _handler(storage: BaseStorage, method: Callable[..., Any]) -> Callable[[bytes, Any], bytes]:
    def handle(request: bytes, context: Any) -> bytes:
        try:
            return _codec.dumps([0, method(storage, *_codec.loads(request))])
        except Exception as e:  # noqa: BLE001 - every error goes back to the client that caused it
            return _codec.dumps([1, _codec.encode_error(e)])

    return handle


class ProxyServer:
    """A proxy server running in this process's background threads, until :meth:`stop`.

    :func:`run_grpc_proxy_server` is this plus a wait; tests and benchmarks use it directly, with
    ``port=0`` for a free port (:attr:`port` says which).
    """

    def __init__(
        self,
        storage: BaseStorage | str,
        *,
        host: str = "localhost",
        port: int = 13000,
        thread_pool: ThreadPoolExecutor | None = None,
    ) -> None:
        from hpint.storages import get_storage

        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
            raise ValueError(f"`port` must be an int in 0..65535 (0: any free port), not {port!r}.")
        if thread_pool is not None and not isinstance(thread_pool, ThreadPoolExecutor):
            raise TypeError(f"`thread_pool` must be a ThreadPoolExecutor or None, not {thread_pool!r}.")
        grpc = import_grpc()
        self._owns_storage = isinstance(storage, str)  # opened here from a URL: closed here too
        self.storage = get_storage(storage)
        handlers = {
            name: grpc.unary_unary_rpc_method_handler(_handler(self.storage, method))
            for name, method in _METHODS.items()
        }
        # so_reuseport off: a second server on a busy port must fail, not share the port's calls.
        self._server = grpc.server(
            thread_pool or ThreadPoolExecutor(max_workers=DEFAULT_THREADS),
            handlers=[grpc.method_handlers_generic_handler(SERVICE, handlers)],
            options=[*CHANNEL_OPTIONS, ("grpc.so_reuseport", 0)],
        )
        try:
            self.port: int = self._server.add_insecure_port(f"{host}:{port}")
        except RuntimeError as e:
            raise OSError(f"The storage proxy cannot listen on {host}:{port}: {e}") from None
        if self.port == 0:  # older grpcio reports a failed bind this way
            raise OSError(f"The storage proxy cannot listen on {host}:{port} (in use?).")
        self.host = host
        self._server.start()
        _logger.info(f"hpint storage proxy serving {self.storage!r} on {host}:{self.port}")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops (or ``timeout`` seconds pass: then False)."""
        return self._server.wait_for_termination(timeout)

    def stop(self, grace: float | None = None) -> None:
        """Stop serving: refuse new calls, end running ones after ``grace`` seconds (None: at once)."""
        self._server.stop(grace).wait()
        if self._owns_storage:
            self.storage.close()

    def __enter__(self) -> ProxyServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_grpc_proxy_server(
    storage: BaseStorage | str,
    *,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
) -> None:
    """Serve ``storage`` to :class:`~hpint.storages.GrpcStorageProxy` clients at ``host:port``; blocks.

    Hundreds of workers then share the proxy's connections to the database instead of each opening its
    own. Pass a database URL (or ``get_storage(url)``, which caches finished trials; a bare
    ``RDBStorage`` does not) or any hpint storage. Ctrl-C stops the server.

    Example::

        # on the proxy machine
        hpint.storages.run_grpc_proxy_server("postgresql+psycopg://...", host="0.0.0.0", port=13000)
        # in each worker
        storage = hpint.storages.GrpcStorageProxy(host="proxy-host", port=13000)
        study = hpint.load_study(study_name="demo", storage=storage)

    Args:
        storage: The storage to serve, or a database URL.
        host: The address to listen on (``"0.0.0.0"`` for every interface). The connection is not
            encrypted or authenticated: expose it only to a network the workers alone reach.
        port: The port to listen on; 0 picks a free one (logged at INFO).
        thread_pool: Threads answering calls; by default 10.

    Raises:
        OSError: the address cannot be listened on (e.g. the port is in use).
        ImportError: grpcio is not installed.
    """
    server = ProxyServer(storage, host=host, port=port, thread_pool=thread_pool)
    try:
        server.wait()
    except KeyboardInterrupt:
        _logger.info("hpint storage proxy stopped")
    finally:
        server.stop()
