"""Per-trial overhead of the study engine and its storages, next to Optuna's. Prints tables.

Milliseconds per trial for 1,000 trials of a trivial 5-parameter objective with a seeded RandomSampler
(the whole ``optimize`` loop: ask, suggest, tell, storage), in memory and on SQLite (a new file in a
temporary directory), for hpint and, when it is installed, Optuna. Also the SQL commits per trial on
SQLite (counted with SQLAlchemy's ``commit`` event) and the time of ``python -c "import hpint"`` against
``import optuna`` (best and median of several fresh interpreters).

    python benchmarks/overhead.py                 # 1,000 trials, best of 3 runs per row
    python benchmarks/overhead.py --trials 300 --repeat 1
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
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


def run(lib: Any, storage: str | None, n_trials: int) -> Row:
    """(wall ms per trial, CPU ms per trial, commits per trial or None) for one ``optimize``.

    CPU time is this process's only: on a shared machine it moves less than wall time, and the gap
    between the two is time spent waiting (for the disk, the database lock or the CPU).
    """
    sampler = lib.samplers.RandomSampler(seed=0)
    study = lib.create_study(storage=storage, sampler=sampler)
    commits = counted_commits() if storage else contextlib.nullcontext([0])
    with commits as count:
        start, cpu_start = time.perf_counter(), time.process_time()
        study.optimize(objective, n_trials=n_trials)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert len(study.trials) == n_trials
    return 1000 * elapsed / n_trials, 1000 * cpu / n_trials, (count[0] / n_trials if storage else None)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the best is shown")
    parser.add_argument("--import-repeat", type=int, default=15)
    args = parser.parse_args()

    libs: dict[str, Any] = {"hpint": hpint}
    if importlib.util.find_spec("optuna") is not None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        libs["optuna"] = optuna
    hpint.logging.set_verbosity(hpint.logging.WARNING)

    setup = f"{args.trials} trials, 5 parameters, RandomSampler(seed=0), best of {args.repeat}"
    print(f"Overhead per trial: {setup}")
    print(f"{'library':<8} {'storage':<8} {'ms/trial':>9} {'cpu ms/trial':>13} {'commits/trial':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, lib in libs.items():
            for kind in ("memory", "sqlite"):
                counter = iter(range(10**6))

                def one(lib: Any = lib, kind: str = kind, counter: Iterator[int] = counter) -> Any:
                    if kind == "memory":
                        return run(lib, None, args.trials)
                    path = Path(tmp) / f"{lib.__name__}-{next(counter)}.db"
                    return run(lib, f"sqlite:///{path}", args.trials)

                ms, cpu_ms, commits = best_of(args.repeat, one)
                shown = "-" if commits is None else f"{commits:.2f}"
                print(f"{name:<8} {kind:<8} {ms:>9.3f} {cpu_ms:>13.3f} {shown:>14}")

    print(f"\nImport time (python -c 'import X'), {args.import_repeat} runs: best / median")
    for module, note in [*((m, "") for m in libs), ("sys", "  (interpreter start-up alone)")]:
        best, median = import_seconds(module, args.import_repeat)
        print(f"{module:<8} {best:.3f} s / {median:.3f} s{note}")


if __name__ == "__main__":
    main()
