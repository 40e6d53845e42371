"""Per-trial overhead of the study engine and its storages, next to Optuna's. Prints tables.

Milliseconds per trial for 1,000 trials of a trivial 5-parameter objective with a seeded RandomSampler
(the whole ``optimize`` loop: ask, suggest, tell, storage), in memory, on SQLite and on a journal file
(``JournalStorage(JournalFileBackend(path))``; each a new file in a temporary directory), for hpint and,
when it is installed, Optuna. Also the commits per trial: SQL commits on SQLite (counted with
SQLAlchemy's ``commit`` event), records appended to the log on a journal (lines of the file; each is one
locked append). And the time of ``python -c "import hpint"`` against ``import optuna`` (best and median
of several fresh interpreters).

Per epoch: the milliseconds of one ``trial.report(value, epoch)`` plus ``trial.should_prune()`` (what a
trainer callback does every epoch), with MedianPruner and with SuccessiveHalvingPruner, in a study that
already holds 200 finished trials of 20 epochs (run in memory with the same pruner, then copied into the
storage with ``add_trials``). The measured trials report the best value at every epoch, so they are never
pruned and every epoch is timed: median and mean of wall and CPU (this thread's) time per epoch. Each row
runs with warm CPU caches (epochs back to back) and with cold ones (a 64 MB buffer is rewritten before
every epoch, as a training epoch replaces what the caches hold; a trainer callback runs in that state).

    python benchmarks/overhead.py                 # 1,000 trials, best of 3 runs per row
    python benchmarks/overhead.py --trials 300 --repeat 1
    python benchmarks/overhead.py --only epoch    # the per-epoch table alone

Timings move with the machine's load; instruction counts do not. ``--ctypes-call`` routes each timed
epoch through a ctypes function pointer, so that callgrind can count those calls alone (``ffi_call``),
with its cache simulation standing in for the cold caches (give it the size of one CPU's last-level
cache), e.g. for the SQLite + median + cold row:

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='ffi_call*' --cache-sim=yes \
        --LL=33554432,16,64 python benchmarks/overhead.py --only epoch --no-optuna --ctypes-call \
        --epoch-trials 2 --storage sqlite --pruner median --caches cold

and divide callgrind's totals by the number of timed epochs the script prints.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hpint


def objective(trial: Any) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    y = trial.suggest_float("y", 1e-5, 1.0, log=True)
    n = trial.suggest_int("n", 1, 64)
    s = trial.suggest_float("s", 0.0, 1.0, step=0.1)
    c = trial.suggest_categorical("c", ["relu", "tanh", "gelu"])
    return x * x + y + n + s + (c == "relu")


@contextlib.contextmanager
def counted_commits() -> Iterator[list[int]]:
    """Count COMMITs issued through any SQLAlchemy engine while the block runs."""
    import sqlalchemy as sa

    count = [0]

    def on_commit(_conn: Any) -> None:
        count[0] += 1

    sa.event.listen(sa.engine.Engine, "commit", on_commit)
    try:
        yield count
    finally:
        sa.event.remove(sa.engine.Engine, "commit", on_commit)


Row = tuple[float, float, float | None]


def run(lib: Any, storage: str | None, n_trials: int, journal: Path | None = None) -> Row:
    """(wall ms per trial, CPU ms per trial, commits per trial or None) for one ``optimize``.

    ``journal``: run on a journal file at this path instead (``storage`` is then ignored).
    CPU time is this process's only: on a shared machine it moves less than wall time, and the gap
    between the two is time spent waiting (for the disk, the database lock or the CPU).
    """
    sampler = lib.samplers.RandomSampler(seed=0)
    if journal is not None:
        backend = lib.storages.journal.JournalFileBackend(str(journal))
        study = lib.create_study(storage=lib.storages.JournalStorage(backend), sampler=sampler)
    else:
        study = lib.create_study(storage=storage, sampler=sampler)
    commits = counted_commits() if storage and journal is None else contextlib.nullcontext([0])
    with commits as count:
        start, cpu_start = time.perf_counter(), time.process_time()
        study.optimize(objective, n_trials=n_trials)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert len(study.trials) == n_trials
    if journal is not None:
        count[0] = len(journal.read_bytes().splitlines()) - 1  # the records of this study's trials
    per_trial = count[0] / n_trials if storage or journal else None
    return 1000 * elapsed / n_trials, 1000 * cpu / n_trials, per_trial


def best_of(repeat: int, fn: Callable[[], Row]) -> Row:
    results = [fn() for _ in range(repeat)]
    return min(results, key=lambda r: r[0])


def import_seconds(module: str, repeat: int) -> tuple[float, float]:
    """Best and median wall time of ``python -c "import module"`` in a fresh interpreter."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def history(lib: Any, pruner_name: str, n_trials: int, epochs: int) -> list[Any]:
    """Finished trials of a study run in memory with the pruner: curves falling from ~1 + x to ~x."""
    rng = random.Random(0)

    def curve(trial: Any) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for epoch in range(epochs):
            trial.report(x + rng.random() / 10 + 1.0 / (epoch + 1), epoch)
            if trial.should_prune():
                raise lib.TrialPruned()
        return x

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0), pruner=make_pruner(lib, pruner_name))
    study.optimize(curve, n_trials=n_trials)
    return study.trials


def make_pruner(lib: Any, name: str) -> Any:
    return lib.pruners.MedianPruner() if name == "median" else lib.pruners.SuccessiveHalvingPruner()


class CacheEvictor:
    """Rewrites a buffer larger than a CPU's last-level cache: what a training epoch does to the caches."""

    def __init__(self, megabytes: int = 64) -> None:
        import numpy as np

        self._buffer = np.ones(megabytes * 2**20 // 8)

    def __call__(self) -> None:
        self._buffer *= 1.0


def epoch_costs(
    lib: Any,
    storage: str | None,
    pruner_name: str,
    past: list[Any],
    trials: int,
    before_epoch: Callable[[], None] | None = None,
    through_ctypes: bool = False,
) -> list[float]:
    """(wall median, wall mean, CPU median, CPU mean) ms of report + should_prune, ``trials`` x epochs.

    ``before_epoch`` runs untimed before each epoch; ``through_ctypes`` calls the timed code through a
    ctypes function pointer (see the module docstring).
    """
    study = lib.create_study(
        storage=storage, sampler=lib.samplers.RandomSampler(seed=1), pruner=make_pruner(lib, pruner_name)
    )
    study.add_trials(past)
    epochs = len(past[0].intermediate_values)
    wall: list[float] = []
    cpu: list[float] = []
    current: dict[str, Any] = {}

    def one_epoch() -> None:
        current["trial"].report(current["value"], current["epoch"])
        current["pruned"] = current["trial"].should_prune()

    timed: Callable[[], None] = one_epoch
    if through_ctypes:
        import ctypes

        timed = ctypes.CFUNCTYPE(None)(one_epoch)
    for _ in range(trials):
        trial = study.ask()
        trial.suggest_float("x", 0.0, 1.0)
        for epoch in range(epochs):
            value = 0.01 / (epoch + 1)  # below every past curve: never pruned
            current.update(trial=trial, value=value, epoch=epoch)
            if before_epoch is not None:
                before_epoch()
            start, cpu_start = time.perf_counter(), time.thread_time()
            timed()
            wall.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - cpu_start)
            assert not current["pruned"]
        study.tell(trial, value)
    return [1000 * f(times) for times in (wall, cpu) for f in (statistics.median, statistics.mean)]


def print_epoch_table(libs: dict[str, Any], args: argparse.Namespace, tmp: str) -> None:
    past_trials, epochs = 200, 20
    print(
        f"\nPer epoch: ms of report + should_prune, {args.epoch_trials} trials x {epochs} epochs after "
        f"{past_trials} finished trials"
    )
    header = (
        f"{'library':<8} {'storage':<8} {'pruner':<7} {'caches':<6} {'wall median':>11} {'wall mean':>10}"
    )
    print(f"{header} {'cpu median':>11} {'cpu mean':>9}")
    evict = CacheEvictor()
    timed_epochs = 0
    for name, lib in libs.items():
        for pruner_name in args.pruner:
            past = history(lib, pruner_name, past_trials, epochs)
            for kind in args.storage:
                for caches in args.caches:
                    db = Path(tmp) / f"{name}-{pruner_name}-{caches}.db"
                    storage = None if kind == "memory" else f"sqlite:///{db}"
                    wall_med, wall_mean, cpu_med, cpu_mean = epoch_costs(
                        lib,
                        storage,
                        pruner_name,
                        past,
                        args.epoch_trials,
                        before_epoch=evict if caches == "cold" else None,
                        through_ctypes=args.ctypes_call,
                    )
                    timed_epochs += args.epoch_trials * epochs
                    print(
                        f"{name:<8} {kind:<8} {pruner_name:<7} {caches:<6} {wall_med:>11.3f} "
                        f"{wall_mean:>10.3f} {cpu_med:>11.3f} {cpu_mean:>9.3f}",
                        flush=True,
                    )
    print(f"({timed_epochs} timed epochs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best is shown")
    parser.add_argument("--import-repeat", type=int, default=15)
    parser.add_argument("--epoch-trials", type=int, default=10, help="trials timed per per-epoch row")
    parser.add_argument("--only", choices=("trial", "epoch", "import"), help="print one table only")
    parser.add_argument("--no-optuna", action="store_true", help="skip Optuna even when it is installed")
    epoch = parser.add_argument_group("per-epoch table")
    epoch.add_argument("--storage", nargs="+", choices=("memory", "sqlite"), default=["memory", "sqlite"])
    epoch.add_argument("--pruner", nargs="+", choices=("median", "sha"), default=["median", "sha"])
    epoch.add_argument("--caches", nargs="+", choices=("warm", "cold"), default=["warm", "cold"])
    epoch.add_argument("--ctypes-call", action="store_true", help="time through ctypes, for callgrind")
    args = parser.parse_args()

    libs: dict[str, Any] = {"hpint": hpint}
    if not args.no_optuna and importlib.util.find_spec("optuna") is not None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        libs["optuna"] = optuna
    hpint.logging.set_verbosity(hpint.logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "trial"):
            print_trial_table(libs, args.trials, args.repeat, tmp)
        if args.only in (None, "epoch"):
            print_epoch_table(libs, args, tmp)
    if args.only in (None, "import"):
        print_import_table(libs, args.import_repeat)


def print_trial_table(libs: dict[str, Any], trials: int, repeat: int, tmp: str) -> None:
    setup = f"{trials} trials, 5 parameters, RandomSampler(seed=0), best of {repeat}"
    print(f"Overhead per trial: {setup}")
    print(f"{'library':<8} {'storage':<8} {'ms/trial':>9} {'cpu ms/trial':>13} {'commits/trial':>14}")
    for name, lib in libs.items():
        for kind in ("memory", "sqlite", "journal"):
            counter = iter(range(10**6))

            def one(lib: Any = lib, kind: str = kind, counter: Iterator[int] = counter) -> Any:
                if kind == "memory":
                    return run(lib, None, trials)
                if kind == "journal":
                    return run(lib, None, trials, journal=Path(tmp) / f"{lib.__name__}-{next(counter)}.log")
                path = Path(tmp) / f"{lib.__name__}-{next(counter)}.db"
                return run(lib, f"sqlite:///{path}", trials)

            ms, cpu_ms, commits = best_of(repeat, one)
            shown = "-" if commits is None else f"{commits:.2f}"
            print(f"{name:<8} {kind:<8} {ms:>9.3f} {cpu_ms:>13.3f} {shown:>14}")


def print_import_table(libs: dict[str, Any], repeat: int) -> None:
    print(f"\nImport time (python -c 'import X'), {repeat} runs: best / median")
    for module, note in [*((m, "") for m in libs), ("sys", "  (interpreter start-up alone)")]:
        best, median = import_seconds(module, repeat)
        print(f"{module:<8} {best:.3f} s / {median:.3f} s{note}")


if __name__ == "__main__":
    main()
