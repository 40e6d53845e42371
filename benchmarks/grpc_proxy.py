"""Milliseconds per trial through the gRPC storage proxy against the storage used directly. Prints tables.

Trials table: the 5-parameter objective of ``overhead.py`` with ``RandomSampler``, run by 1 and by 4 worker
processes (spawned, started together by a barrier) on one study: directly on the storage (in memory: one
process only; SQLite: each worker opens the file) and through a proxy server in its own process serving
that storage (``InMemoryStorage()`` or ``get_storage(sqlite_url)``). ms/trial is the wall time from the
first worker's start to the last one's end over all trials; "worker cpu" is the CPU time of one worker per
trial of its own, "server cpu" the proxy process's CPU time per trial (from /proc). hpint and, when it is
installed, Optuna (its own proxy and storages) side by side.

TPE table: one worker, ``TPESampler(seed=0)``, in memory: the sampler reads every trial of the study at
each trial, which is what the client's cache of finished trials is for. "hpint proxy, no cache" is a
client that fetches the whole study at every read, as it would without that cache.

    python benchmarks/grpc_proxy.py                        # 400 trials per row
    python benchmarks/grpc_proxy.py --trials 200 --no-optuna
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import multiprocessing
import os
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from overhead import objective

HOST = "127.0.0.1"
TIMEOUT = 600


def _quiet(lib: Any) -> None:
    import warnings

    warnings.filterwarnings("ignore")  # Optuna's ExperimentalWarning for its proxy
    lib.logging.set_verbosity(lib.logging.WARNING)


def _sampler(lib: Any, name: str, seed: int) -> Any:
    return lib.samplers.TPESampler(seed=seed) if name == "tpe" else lib.samplers.RandomSampler(seed=seed)


def _serve(lib_name: str, url: str | None, port: int) -> None:
    lib = importlib.import_module(lib_name)
    _quiet(lib)
    storage = lib.storages.InMemoryStorage() if url is None else lib.storages.get_storage(url)
    lib.storages.run_grpc_proxy_server(storage, host=HOST, port=port)


def _client(lib: Any, port: int, no_cache: bool = False) -> Any:
    cls = _uncached_proxy_class() if no_cache else lib.storages.GrpcStorageProxy
    client = cls(host=HOST, port=port)
    client.wait_server_ready(timeout=60)
    return client


def _uncached_proxy_class() -> type:
    from hpint.storages import GrpcStorageProxy
    from hpint.storages._grpc._codec import decode_trial

    class UncachedProxy(GrpcStorageProxy):
        """Reads the whole study at every read (and every trial at every ``get_trial``)."""

        def _sync(self, study_id: int, finished_only: bool) -> list[Any]:
            new, _ = self._call("trials_since", study_id, 0, [], False)
            return [decode_trial(t) for t in new]

        def get_trial(self, trial_id: int) -> Any:
            return decode_trial(self._call("get_trial", trial_id))

    return UncachedProxy


def _work(args: tuple, barrier: Any, queue: Any) -> None:
    lib_name, url, port, no_cache, study_name, n_trials, sampler, seed = args
    lib = importlib.import_module(lib_name)
    _quiet(lib)
    storage = url if port is None else _client(lib, port, no_cache)
    study = lib.load_study(study_name=study_name, storage=storage, sampler=_sampler(lib, sampler, seed))
    barrier.wait(timeout=TIMEOUT)
    start, cpu = time.time(), time.process_time()
    study.optimize(objective, n_trials=n_trials)
    queue.put((start, time.time(), time.process_time() - cpu))


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def measure(
    lib_name: str,
    url: str | None,
    proxy: bool,
    workers: int,
    trials: int,
    sampler: str,
    no_cache: bool = False,
) -> tuple[float, float, float | None]:
    """(wall ms per trial, worker CPU ms per trial, server CPU ms per trial or None) of one run."""
    ctx = multiprocessing.get_context("spawn")
    lib = importlib.import_module(lib_name)
    server, port = None, None
    if proxy:
        port = _free_port()
        server = ctx.Process(target=_serve, args=(lib_name, url, port), daemon=True)
        server.start()
        storage: Any = _client(lib, port)
    else:
        storage = url if url is not None else lib.storages.InMemoryStorage()
    study_name = f"bench-{time.time_ns()}"
    lib.create_study(storage=storage, study_name=study_name)
    per_worker = trials // workers
    args = (lib_name, url, port, no_cache, study_name, per_worker, sampler)
    queue = ctx.Queue() if workers > 1 or proxy or url is not None else None
    server_cpu = _process_cpu(server.pid) if server else 0.0
    if queue is None:  # one worker in memory: this process, as there is no other way to share it
        import queue as queue_module

        queue = queue_module.Queue()
        study = lib.load_study(study_name=study_name, storage=storage, sampler=_sampler(lib, sampler, 0))
        start, cpu = time.time(), time.process_time()
        study.optimize(objective, n_trials=per_worker)
        queue.put((start, time.time(), time.process_time() - cpu))
    else:
        barrier = ctx.Barrier(workers)
        procs = [ctx.Process(target=_work, args=((*args, seed), barrier, queue)) for seed in range(workers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(TIMEOUT)
            assert p.exitcode == 0, f"a worker failed ({p.exitcode})"
    results = [queue.get(timeout=TIMEOUT) for _ in range(workers)]
    total = per_worker * workers
    if server is not None:
        server_cpu = _process_cpu(server.pid) - server_cpu
        server.kill()
        server.join()
    n_stored = len(lib.load_study(study_name=study_name, storage=url).trials) if url else total
    assert n_stored == total, (n_stored, total)
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    worker_cpu = sum(r[2] for r in results) / total
    return 1000 * wall / total, 1000 * worker_cpu, 1000 * server_cpu / total if server else None


def print_trials_table(libs: list[str], trials: int, tmp: str) -> None:
    print(f"Trials: {trials} per row, 5 parameters, RandomSampler")
    header = f"{'library':<8} {'storage':<7} {'how':<7} {'workers':>7} {'ms/trial':>9}"
    print(f"{header} {'worker cpu':>11} {'server cpu':>11}")
    for lib in libs:
        for kind in ("memory", "sqlite"):
            for how in ("direct", "proxy"):
                for workers in (1, 4):
                    if kind == "memory" and how == "direct" and workers > 1:
                        continue  # processes cannot share an in-memory storage
                    url = (
                        None if kind == "memory" else f"sqlite:///{Path(tmp) / f'{lib}-{time.time_ns()}.db'}"
                    )
                    ms, cpu, server = measure(lib, url, how == "proxy", workers, trials, "random")
                    shown = "-" if server is None else f"{server:.3f}"
                    print(
                        f"{lib:<8} {kind:<7} {how:<7} {workers:>7} {ms:>9.3f} {cpu:>11.3f} {shown:>11}",
                        flush=True,
                    )


def print_tpe_table(libs: list[str], trials: int) -> None:
    print(f"\nTPE: {trials} trials, one worker, in memory")
    print(f"{'library':<8} {'how':<15} {'ms/trial':>9} {'worker cpu':>11} {'server cpu':>11}")
    rows = [(lib, how) for lib in libs for how in ("direct", "proxy")]
    rows.insert(2, ("hpint", "proxy, no cache"))
    for lib, how in rows:
        ms, cpu, server = measure(
            lib, None, how != "direct", 1, trials, "tpe", no_cache=how.endswith("no cache")
        )
        shown = "-" if server is None else f"{server:.3f}"
        print(f"{lib:<8} {how:<15} {ms:>9.3f} {cpu:>11.3f} {shown:>11}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=400, help="trials per row (split among the workers)")
    parser.add_argument("--tpe-trials", type=int, default=300)
    parser.add_argument("--no-optuna", action="store_true", help="skip Optuna even when it is installed")
    parser.add_argument("--only", choices=("trials", "tpe"), help="print one table only")
    args = parser.parse_args()
    libs = ["hpint"]
    if not args.no_optuna and importlib.util.find_spec("optuna") is not None:
        libs.append("optuna")
    for lib in libs:
        _quiet(importlib.import_module(lib))
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "trials"):
            print_trials_table(libs, args.trials, tmp)
    if args.only in (None, "tpe"):
        print_tpe_table(libs, args.tpe_trials)


if __name__ == "__main__":
    main()
