"""Sampler benchmarks: search quality on standard problems, and per-trial overhead. Prints tables.

Quality: the best value found after 50, 100 and 200 trials (as regret, ``best - optimum``, where the
optimum is known), mean and median over seeds, per problem and sampler. Overhead: milliseconds per trial
(whole ``optimize`` loop, in-memory storage, trivial objective) over 1,000 trials at 5 and 20 float
parameters, with two and three objectives (ZDT1, DTLZ2; 5 parameters) for the samplers that take several,
and over 5,000
trials at 5 parameters for TPE.

Samplers: hpint's TPE (the default), Random, every other hpint sampler that works without arguments, and
Optuna's default TPE when Optuna is installed.

    python benchmarks/samplers.py --quick                       # a few minutes
    python benchmarks/samplers.py                               # the full run (long; run it in background)
    python benchmarks/samplers.py --problems branin hartmann6 --seeds 20 --trials 100
    python benchmarks/samplers.py --no-overhead --samplers hpint-tpe optuna-tpe
    python benchmarks/samplers.py --no-quality --samplers hpint-tpe optuna-tpe --long-trials 5000

GP runs stop at ``--gp-trials`` (default 100): its cost per trial grows with the cube of the number of
trials, and it is meant for budgets of 10-100 trials; later checkpoints show "-" for it.

BLAS is limited to one thread (before numpy is imported): the machine is shared, and on small matrices
extra BLAS threads only add synchronisation (hpint's GP limits itself the same way, see
``hpint/samplers/_gp/_threads.py``). Both libraries run under the same setting.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _functions import hartmann6_value  # noqa: E402  (this folder: the scripts run from it)
from _tables import print_checkpoint_header, summary  # noqa: E402

import hpint  # noqa: E402

Objective = Callable[[Any], float]

# ---- problems: (objective, known optimum or None) ----


def branin(trial: Any) -> float:
    x = trial.suggest_float("x", -5.0, 10.0)
    y = trial.suggest_float("y", 0.0, 15.0)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def hartmann6(trial: Any) -> float:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)])
    return hartmann6_value(x)


def rosenbrock5(trial: Any) -> float:
    x = [trial.suggest_float(f"x{i}", -2.0, 2.0) for i in range(5)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(4))


def styblinski_tang8(trial: Any) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(8)])
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


def integer_ackley4(trial: Any) -> float:
    x = np.array([trial.suggest_int(f"x{i}", -20, 20) for i in range(4)], dtype=float)
    a = -20 * math.exp(-0.2 * math.sqrt(np.mean(x**2)))
    return float(a - math.exp(np.mean(np.cos(2 * math.pi * x))) + 20 + math.e)


def training_loss(trial: Any) -> float:
    """A made-up validation loss with the structure of a deep-learning study.

    Log-scaled learning rate and weight decay, a categorical optimiser with its own conditional
    parameters (momentum only for SGD, beta2 only for Adam), categorical batch size, integer width and
    depth, stepped dropout; the best learning rate depends on the optimiser and the batch size.
    """
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    batch = trial.suggest_categorical("batch_size", [16, 32, 64, 128, 256])
    best_lr = {"sgd": 0.1, "adam": 1e-3, "rmsprop": 3e-4}[optimizer] * math.sqrt(batch / 64)
    loss = 0.35 * (math.log10(lr) - math.log10(best_lr)) ** 2
    if optimizer == "sgd":
        momentum = trial.suggest_float("momentum", 0.0, 0.99)
        loss += 0.4 * (momentum - 0.9) ** 2 + 0.05
    elif optimizer == "adam":
        beta2 = trial.suggest_float("beta2", 0.9, 0.9999, log=True)
        loss += 2.0 * (math.log10(1 - beta2) + 3) ** 2 / 9
    else:
        loss += 0.03
    layers = trial.suggest_int("n_layers", 1, 8)
    units = trial.suggest_int("units", 16, 1024, log=True)
    capacity = layers * math.log2(units)
    loss += 0.002 * (capacity - 24) ** 2 / 4
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.05)
    loss += 0.5 * (dropout - 0.2 * min(capacity / 24, 2)) ** 2
    wd = trial.suggest_float("weight_decay", 1e-8, 1e-2, log=True)
    loss += 0.02 * (math.log10(wd) + 4.5) ** 2
    loss += 0.01 * abs(math.log2(batch / 64))
    return 0.1 + loss


_DIGITS: tuple | None = None


def digits(trial: Any) -> float:
    """Validation error of a scikit-learn classifier on the digits data: model choice with branches."""
    global _DIGITS
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    if _DIGITS is None:
        from sklearn import datasets
        from sklearn.model_selection import train_test_split

        x, y = datasets.load_digits(return_X_y=True)
        _DIGITS = tuple(train_test_split(x / 16.0, y, test_size=0.3, random_state=0))
    x_train, x_val, y_train, y_val = _DIGITS
    kind = trial.suggest_categorical("model", ["svm", "tree", "knn"])
    if kind == "svm":
        kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "sigmoid"])
        c = trial.suggest_float("C", 1e-3, 1e3, log=True)
        gamma = trial.suggest_float("gamma", 1e-4, 1e1, log=True)
        model: Any = SVC(kernel=kernel, C=c, gamma=gamma)
    elif kind == "tree":
        model = DecisionTreeClassifier(
            max_depth=trial.suggest_int("max_depth", 2, 32, log=True),
            min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 20),
            criterion=trial.suggest_categorical("criterion", ["gini", "entropy"]),
            random_state=0,
        )
    else:
        model = KNeighborsClassifier(
            n_neighbors=trial.suggest_int("n_neighbors", 1, 30),
            weights=trial.suggest_categorical("weights", ["uniform", "distance"]),
            p=trial.suggest_int("p", 1, 2),
        )
    model.fit(x_train, y_train)
    return 1.0 - float(model.score(x_val, y_val))


PROBLEMS: dict[str, tuple[Objective, float]] = {
    "branin": (branin, 0.397887357729739),
    "hartmann6": (hartmann6, -3.32236801141551),
    "rosenbrock5": (rosenbrock5, 0.0),
    "styblinski_tang8": (styblinski_tang8, -39.16616570377142 * 8),
    "int_ackley4": (integer_ackley4, 0.0),
    "training_loss": (training_loss, 0.1),
    "digits": (digits, 0.0),
}

# ---- samplers: name -> (library, factory(seed)) ----


def _samplers() -> dict[str, tuple[str, Callable[[int], Any]]]:
    import hpint.samplers as hs

    out: dict[str, tuple[str, Callable[[int], Any]]] = {
        "hpint-tpe": ("hpint", lambda s: hs.TPESampler(seed=s)),
        "hpint-random": ("hpint", lambda s: hs.RandomSampler(seed=s)),
    }
    skip = {
        "BaseSampler",
        "BaseGASampler",
        "TPESampler",
        "RandomSampler",
        "GridSampler",
        "PartialFixedSampler",
        "BruteForceSampler",
    }
    for name in hs.__all__:
        cls = getattr(hs, name)
        if isinstance(cls, type) and issubclass(cls, hs.BaseSampler) and name not in skip:
            label = "hpint-" + name.removesuffix("Sampler").lower()
            out[label] = ("hpint", lambda s, cls=cls: cls(seed=s))
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        out["optuna-tpe"] = ("optuna", lambda s: optuna.samplers.TPESampler(seed=s))
        out["optuna-random"] = ("optuna", lambda s: optuna.samplers.RandomSampler(seed=s))
    except ImportError:
        pass
    return out


def _create_study(library: str, sampler: Any, n_objectives: int = 1) -> Any:
    directions = ["minimize"] * n_objectives
    if library == "optuna":
        import optuna

        return optuna.create_study(sampler=sampler, directions=directions)
    return hpint.create_study(sampler=sampler, directions=directions)


def run_quality(
    problem: str, sampler_name: str, seed: int, n_trials: int, checkpoints: list[int]
) -> list[float]:
    """Regret after each checkpoint for one seed (NaN for checkpoints past ``n_trials``)."""
    objective, optimum = PROBLEMS[problem]
    library, factory = _samplers()[sampler_name]
    study = _create_study(library, factory(seed))
    values: list[float] = []

    def record(_study: Any, trial: Any) -> None:
        values.append(trial.value if trial.value is not None else math.inf)

    study.optimize(objective, n_trials=n_trials, callbacks=[record])
    return [min(values[:k]) - optimum if k <= n_trials else math.nan for k in checkpoints]


def quality_table(args: argparse.Namespace, samplers: list[str]) -> None:
    checkpoints = [c for c in (50, 100, 200) if c <= args.trials] or [args.trials]
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    title = f"Quality: regret (best value - optimum), seeds {seeds.start}-{seeds.stop - 1}"
    print_checkpoint_header(title, checkpoints)
    for problem in args.problems:
        for name in samplers:
            start = time.perf_counter()
            budget = max(checkpoints)
            if name.endswith("-gp"):
                budget = min(budget, args.gp_trials)
            runs = [run_quality(problem, name, seed, budget, checkpoints) for seed in seeds]
            seconds = (time.perf_counter() - start) / args.seeds
            cells = [summary([r[i] for r in runs]) for i in range(len(checkpoints))]
            print(f"| {problem} | {name} | " + " | ".join(cells) + f" | {seconds:.1f} |", flush=True)


def _overhead_objective(n_params: int) -> Objective:
    def objective(trial: Any) -> float:
        return sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(n_params))

    return objective


def _zdt1(n_params: int) -> Callable[[Any], tuple[float, float]]:
    """ZDT1, two objectives to minimise over [0, 1]^n: a convex front at ``x[1:] == 0``."""

    def objective(trial: Any) -> tuple[float, float]:
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n_params)]
        g = 1.0 + 9.0 * sum(x[1:]) / (n_params - 1)
        return x[0], g * (1.0 - math.sqrt(x[0] / g))

    return objective


def _dtlz2(n_params: int) -> Callable[[Any], tuple[float, float, float]]:
    """DTLZ2, three objectives to minimise over [0, 1]^n: the unit sphere's octant at ``x[2:] == 0.5``."""

    def objective(trial: Any) -> tuple[float, float, float]:
        x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n_params)]
        r = 1.0 + sum((v - 0.5) ** 2 for v in x[2:])
        a, b = 0.5 * math.pi * x[0], 0.5 * math.pi * x[1]
        return r * math.cos(a) * math.cos(b), r * math.cos(a) * math.sin(b), r * math.sin(a)

    return objective


def run_overhead(
    sampler_name: str, n_params: int, n_trials: int, n_objectives: int = 1
) -> tuple[float, float, float]:
    """Wall-clock and CPU ms per trial over the whole run, and wall ms per trial over its last tenth.

    CPU time is reported too because the machine is shared: wall time grows with other people's load,
    the process's own CPU time much less so.
    """
    ends, cpus = _timed_run(sampler_name, n_params, n_trials, n_objectives)
    wall, cpu = ends[-1] - ends[0], cpus[-1] - cpus[0]
    tail = max(1, n_trials // 10)
    last = (ends[-1] - ends[-tail - 1]) / tail if n_trials > tail else wall / n_trials
    return 1000 * wall / n_trials, 1000 * cpu / n_trials, 1000 * last


def _timed_run(
    sampler_name: str, n_params: int, n_trials: int, n_objectives: int = 1
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU time (s) at the start of an ``optimize`` run and at the end of each trial.

    With two objectives the objective is ZDT1 over ``n_params`` parameters, with three DTLZ2.
    """
    library, factory = _samplers()[sampler_name]
    study = _create_study(library, factory(0), n_objectives)
    ends, cpus = [time.perf_counter()], [time.process_time()]

    def record(_study: Any, _trial: Any) -> None:
        ends.append(time.perf_counter())
        cpus.append(time.process_time())

    objective = {1: _overhead_objective, 2: _zdt1, 3: _dtlz2}[n_objectives](n_params)
    study.optimize(objective, n_trials=n_trials, callbacks=[record])
    return ends, cpus


def _blocks(times: list[float], n_blocks: int = 10) -> list[float]:
    """Ms per trial over each of ``n_blocks`` consecutive equal parts of a run (see ``_timed_run``)."""
    n = len(times) - 1
    edges = [round(i * n / n_blocks) for i in range(n_blocks + 1)]
    return [1000 * (times[b] - times[a]) / max(b - a, 1) for a, b in zip(edges[:-1], edges[1:])]


#: Samplers whose overhead is also measured with several objectives (the others take one, or are slow).
_SEVERAL_OBJECTIVES = ("tpe", "nsgaii", "nsgaiii", "random")


def overhead_table(args: argparse.Namespace, samplers: list[str]) -> None:
    print("\n## Overhead: ms per trial (whole optimize loop, in-memory storage, trivial objective)\n")
    print("wall / CPU ms per trial averaged over the run; last: wall ms per trial over its last tenth\n")
    print("| sampler | trials | 5 params: wall / CPU (last) | 20 params: wall / CPU (last) |")
    print("|---|---|---|---|")
    for name in samplers:
        n = (
            min(args.overhead_trials, args.gp_overhead_trials)
            if name.endswith("-gp")
            else args.overhead_trials
        )
        cells = ["{:.2f} / {:.2f} ({:.2f})".format(*run_overhead(name, p, n)) for p in (5, 20)]
        print(f"| {name} | {n} | " + " | ".join(cells) + " |", flush=True)
    several = [s for s in samplers if s.split("-")[1] in _SEVERAL_OBJECTIVES]
    if several:
        print(
            "\n| sampler | trials | 2 objectives (ZDT1), 5 params: wall / CPU (last) "
            "| 3 objectives (DTLZ2), 5 params: wall / CPU (last) |\n|---|---|---|---|"
        )
        for name in several:
            n = args.overhead_trials
            cells = ["{:.2f} / {:.2f} ({:.2f})".format(*run_overhead(name, 5, n, m)) for m in (2, 3)]
            print(f"| {name} | {n} | " + " | ".join(cells) + " |", flush=True)
    long_run = [s for s in samplers if s == "hpint-tpe" or (args.long_optuna and s == "optuna-tpe")]
    for name in long_run:
        for _ in range(args.long_repeats):
            _long_run(name, args.long_trials, args.long_blocks)


def _long_run(name: str, n_trials: int, blocks: bool) -> None:
    ends, cpus = _timed_run(name, 5, n_trials)
    n, tail = n_trials, max(1, n_trials // 10)
    wall, cpu = 1000 * (ends[-1] - ends[0]) / n, 1000 * (cpus[-1] - cpus[0]) / n
    last = 1000 * (ends[-1] - ends[-tail - 1]) / tail
    print(
        f"\n{name}, {n} trials x 5 params: {wall:.2f} ms/trial wall, {cpu:.2f} CPU; "
        f"last {tail} trials: {last:.2f} ms/trial wall (load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    if blocks:
        print("  per tenth of the run, wall ms/trial: " + " ".join(f"{x:.2f}" for x in _blocks(ends)))
        print("  per tenth of the run, CPU ms/trial:  " + " ".join(f"{x:.2f}" for x in _blocks(cpus)))


def main(argv: list[str] | None = None) -> None:
    available = _samplers()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--problems", nargs="+", default=list(PROBLEMS), choices=list(PROBLEMS))
    parser.add_argument("--samplers", nargs="+", default=None, choices=list(available))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0, help="quality: the first seed of --seeds")
    parser.add_argument(
        "--trials", type=int, default=200, help="quality: trials per run (checkpoints 50/100/200)"
    )
    parser.add_argument("--gp-trials", type=int, default=100, help="quality: trials per GP run")
    parser.add_argument("--gp-overhead-trials", type=int, default=200, help="overhead: trials per GP run")
    parser.add_argument("--overhead-trials", type=int, default=1000)
    parser.add_argument("--long-trials", type=int, default=5000, help="TPE overhead run at 5 params")
    parser.add_argument("--long-optuna", action="store_true", help="also time Optuna TPE on the long run")
    parser.add_argument("--long-repeats", type=int, default=1, help="long runs per sampler")
    parser.add_argument(
        "--long-blocks", action="store_true", help="long run: also ms/trial per tenth (how cost grows)"
    )
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-overhead", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="3 seeds, 100 trials, no digits, short overhead runs"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.trials = min(args.seeds, 3), min(args.trials, 100)
        args.problems = [p for p in args.problems if p != "digits"]
        args.overhead_trials, args.long_trials = min(args.overhead_trials, 300), min(args.long_trials, 1000)
    samplers = args.samplers or [s for s in available if s != "optuna-random"]
    hpint.logging.set_verbosity(hpint.logging.ERROR)  # no per-trial GP notices
    warnings.filterwarnings("ignore")
    print(f"python {' '.join(sys.argv)}")
    if not args.no_quality:
        quality_table(args, samplers)
    if not args.no_overhead:
        overhead_table(args, samplers)


if __name__ == "__main__":
    main()
