"""Multi-objective sampler benchmark: hypervolume reached after 50, 100 and 200 trials. Prints tables.

Problems (all minimised, float parameters in [0, 1]): ZDT1 and ZDT2 (2 objectives, 6 parameters), DTLZ2
(3 objectives, 6 parameters) and, on request, ``dtlz2_5`` (DTLZ2 with 5 objectives, 9 parameters). The
metric is the hypervolume gap ``HV* - HV``: ``HV`` is the hypervolume of the Pareto front of the COMPLETE
trials among the first ``k`` (by number), bounded by a fixed reference point per problem, and ``HV*`` that
of the true Pareto front (known in closed form); 0 is perfect, lower is better. With 5 objectives the
exact hypervolume of a few hundred points takes minutes, so ``HV`` is estimated on one fixed sample of
100,000 uniform points of the reference box (the same points for every sampler and seed; standard error
about 0.003). Mean +- standard error and median over seeds, then, per pair of samplers, the difference of
means with Welch's t (and the paired t over seeds, the pairing being the seed).

Samplers: hpint's ``TPESampler(seed=s)`` (the default with several objectives; univariate, like Optuna's),
``NSGAIISampler`` and ``RandomSampler``, and Optuna's ``TPESampler(seed=s)`` (also its default with several
objectives) when Optuna is installed. On request: hpint's ``NSGAIIISampler`` and Optuna's ``NSGAIISampler``
and ``NSGAIIISampler`` (the genetic samplers with their defaults: populations of 50), and both libraries'
``NSGAIISampler(crossover=SBXCrossover())`` (``hpint-nsgaii-sbx``, ``optuna-nsgaii-sbx``). ``--multivariate``
passes ``multivariate=True`` to both TPEs.

    python benchmarks/multi_objective.py --seeds 2                  # a quick look
    python benchmarks/multi_objective.py --seeds 40                 # the README's run
    python benchmarks/multi_objective.py --problems dtlz2 --samplers hpint-tpe optuna-tpe --seeds 10
    python benchmarks/multi_objective.py --problems dtlz2 dtlz2_5 --checkpoints 100 200 400 --seeds 5 \
        --samplers hpint-nsgaii hpint-nsgaiii optuna-nsgaiii --compare hpint-nsgaiii hpint-nsgaii \
        --compare hpint-nsgaiii optuna-nsgaiii

``--cost`` prints instead what a trial costs (seed 0, in-memory storage): DTLZ2 over the same 6
parameters with each of ``--objectives``, wall and CPU ms per trial averaged over the first 200, 500
and 1,000 trials of one run (``--checkpoints``) and over its last tenth; a run that passes
``--max-seconds`` of CPU time stops there and shows "-" for the rest:

    python benchmarks/multi_objective.py --cost --objectives 3 4 5 6 --samplers hpint-tpe optuna-tpe
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from _tables import print_checkpoint_header, summary  # noqa: E402  (this folder: the scripts run from it)

import hpint  # noqa: E402
from hpint._hypervolume import hypervolume  # noqa: E402
from hpint._pareto import is_pareto_front  # noqa: E402

N_VARS = 6
N_DISTANCE_5 = 5  # DTLZ2 with 5 objectives: 4 position parameters and 5 for the distance to the front
MC_SAMPLES = 100_000

# ---- problems ----


def _params(trial: Any, n: int = N_VARS) -> np.ndarray:
    return np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n)])


def zdt1(trial: Any) -> tuple[float, float]:
    x = _params(trial)
    g = 1.0 + 9.0 * float(np.mean(x[1:]))
    return float(x[0]), g * (1.0 - math.sqrt(x[0] / g))


def zdt2(trial: Any) -> tuple[float, float]:
    x = _params(trial)
    g = 1.0 + 9.0 * float(np.mean(x[1:]))
    return float(x[0]), g * (1.0 - (x[0] / g) ** 2)


def dtlz2(trial: Any) -> tuple[float, float, float]:
    """Three objectives; the last ``N_VARS - 2`` parameters are the distance to the front."""
    x = _params(trial)
    r = 1.0 + float(np.sum((x[2:] - 0.5) ** 2))
    a, b = 0.5 * math.pi * x[0], 0.5 * math.pi * x[1]
    return r * math.cos(a) * math.cos(b), r * math.cos(a) * math.sin(b), r * math.sin(a)


def dtlz2_objectives(n_objectives: int, n_params: int = N_VARS) -> Callable[[Any], tuple[float, ...]]:
    """DTLZ2 with any number of objectives over ``n_params`` parameters (the first ``m - 1`` the position
    on the front, the rest the distance to it; the front is the unit sphere's positive orthant)."""
    m = n_objectives

    def objective(trial: Any) -> tuple[float, ...]:
        x = _params(trial, n_params)
        r = 1.0 + float(np.sum((x[m - 1 :] - 0.5) ** 2))
        angles = 0.5 * math.pi * x[: m - 1]
        values = []
        for j in range(m):  # objective j: cosines of the first m - 1 - j angles, the sine of the next
            f = r * math.prod(math.cos(a) for a in angles[: m - 1 - j])
            values.append(f * math.sin(angles[m - 1 - j]) if j else f)
        return tuple(values)

    return objective


#: Five objectives: 4 angles, then ``N_DISTANCE_5`` parameters for the distance to the front.
dtlz2_5 = dtlz2_objectives(5, 4 + N_DISTANCE_5)


# name -> (objective, reference point, hypervolume of the true front to that point).
# ZDT: f1 <= 1 and f2 <= g <= 10 everywhere, so every trial lies inside (1.1, 11); the true fronts are
# f2 = 1 - sqrt(f1) (area under it 1/3) and f2 = 1 - f1^2 (2/3). DTLZ2: the front is the unit sphere's
# positive octant (volume under it pi/6); (1.1, 1.1, 1.1) is the usual reference point.
PROBLEMS: dict[str, tuple[Callable[[Any], Sequence[float]], tuple[float, ...], float]] = {
    "zdt1": (zdt1, (1.1, 11.0), 1.1 * 11.0 - 1.0 / 3.0),
    "zdt2": (zdt2, (1.1, 11.0), 1.1 * 11.0 - 2.0 / 3.0),
    "dtlz2": (dtlz2, (1.1, 1.1, 1.1), 1.1**3 - math.pi / 6.0),
    # The unit 5-ball has volume 8 pi^2 / 15; its positive orthant is 1/32 of it.
    "dtlz2_5": (dtlz2_5, (1.1,) * 5, 1.1**5 - math.pi**2 / 60.0),
}


def _hypervolume(loss: np.ndarray, reference: Sequence[float]) -> float:
    """Exact up to 3 objectives; beyond, a Monte Carlo estimate on one fixed sample of the box."""
    if len(reference) <= 3:
        return hypervolume(loss, reference)
    ref = np.asarray(reference, dtype=float)
    sample = np.random.RandomState(0).uniform(size=(MC_SAMPLES, len(ref))) * ref
    front = loss[is_pareto_front(loss)]
    dominated = np.zeros(MC_SAMPLES, dtype=bool)
    for point in front[np.all(front < ref, axis=1)]:
        dominated |= np.all(sample >= point, axis=1)
    return float(np.prod(ref) * dominated.mean())


# ---- samplers ----


def _samplers(multivariate: bool) -> dict[str, tuple[str, Callable[[int], Any]]]:
    """name -> (library, factory(seed))."""
    import hpint.samplers as hs

    kw: dict[str, Any] = {"multivariate": True} if multivariate else {}
    out: dict[str, tuple[str, Callable[[int], Any]]] = {
        "hpint-tpe": ("hpint", lambda s: hs.TPESampler(seed=s, **kw)),
    }
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        out["optuna-tpe"] = ("optuna", lambda s: optuna.samplers.TPESampler(seed=s, **kw))
        out["optuna-nsgaii"] = ("optuna", lambda s: optuna.samplers.NSGAIISampler(seed=s))
        out["optuna-nsgaiii"] = ("optuna", lambda s: optuna.samplers.NSGAIIISampler(seed=s))
        out["optuna-nsgaii-sbx"] = (
            "optuna",
            lambda s: optuna.samplers.NSGAIISampler(seed=s, crossover=optuna.samplers.nsgaii.SBXCrossover()),
        )
    except ImportError:
        pass
    out["hpint-nsgaii"] = ("hpint", lambda s: hs.NSGAIISampler(seed=s))
    out["hpint-nsgaiii"] = ("hpint", lambda s: hs.NSGAIIISampler(seed=s))
    out["hpint-nsgaii-sbx"] = (
        "hpint",
        lambda s: hs.NSGAIISampler(seed=s, crossover=hs.nsgaii.SBXCrossover()),
    )
    out["hpint-random"] = ("hpint", lambda s: hs.RandomSampler(seed=s))
    return out


def run(
    problem: str, sampler_name: str, seed: int, checkpoints: list[int], multivariate: bool = False
) -> list[float]:
    """Hypervolume gap after each checkpoint for one seed."""
    objective, reference, best = PROBLEMS[problem]
    library, factory = _samplers(multivariate)[sampler_name]
    directions = ["minimize"] * len(reference)
    if library == "optuna":
        import optuna

        study = optuna.create_study(directions=directions, sampler=factory(seed))
    else:
        study = hpint.create_study(directions=directions, sampler=factory(seed))
    study.optimize(objective, n_trials=max(checkpoints))
    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    gaps = []
    for k in checkpoints:
        done = [t.values for t in trials[:k] if t.state.name == "COMPLETE"]
        loss = np.asarray(done, dtype=float).reshape(len(done), len(reference))
        gaps.append(best - _hypervolume(loss, reference))
    return gaps


def cost_run(
    sampler_name: str, n_objectives: int, checkpoints: list[int], max_seconds: float
) -> tuple[list[float | None], list[float | None], float, float, int]:
    """Wall and CPU ms per trial over the first ``c`` trials for each checkpoint (``None`` if the run
    was stopped before), wall and CPU ms per trial over the last tenth of the trials run, and how many
    trials were run."""
    library, factory = _samplers(False)[sampler_name]
    lib: Any = hpint
    if library == "optuna":
        import optuna as lib
    study = lib.create_study(directions=["minimize"] * n_objectives, sampler=factory(0))
    walls, cpus = [time.perf_counter()], [time.process_time()]

    def record(study: Any, _trial: Any) -> None:
        walls.append(time.perf_counter())
        cpus.append(time.process_time())
        if cpus[-1] - cpus[0] > max_seconds:  # CPU time: the machine may be shared
            study.stop()

    study.optimize(dtlz2_objectives(n_objectives), n_trials=max(checkpoints), callbacks=[record])
    n = len(walls) - 1
    wall = [1000 * (walls[c] - walls[0]) / c if c <= n else None for c in checkpoints]
    cpu = [1000 * (cpus[c] - cpus[0]) / c if c <= n else None for c in checkpoints]
    tail = max(1, n // 10)
    return wall, cpu, 1000 * (walls[n] - walls[n - tail]) / tail, 1000 * (cpus[n] - cpus[n - tail]) / tail, n


def cost_table(args: argparse.Namespace, checkpoints: list[int]) -> None:
    print(f"\n## ms per trial, DTLZ2 over {N_VARS} parameters, seed 0: wall / CPU over the first N trials\n")
    head = " | ".join(f"{c} trials" for c in checkpoints)
    print(f"| objectives | sampler | {head} | last tenth of the run | trials run | start (UTC) |")
    print("|" + "---|" * (len(checkpoints) + 5))
    for m in args.objectives:
        for name in args.samplers:
            started = time.strftime("%H:%M", time.gmtime())
            wall, cpu, tail_wall, tail_cpu, n_run = cost_run(name, m, checkpoints, args.max_seconds)
            cells = [
                f"{w:.1f} / {c:.1f}" if w is not None and c is not None else "-" for w, c in zip(wall, cpu)
            ]
            row = (
                f"| {m} | {name} | "
                + " | ".join(cells)
                + f" | {tail_wall:.1f} / {tail_cpu:.1f} | {n_run} | {started} |"
            )
            print(row, flush=True)


# ---- tables ----


def welch_t(a: list[float], b: list[float]) -> float:
    se2 = statistics.variance(a) / len(a) + statistics.variance(b) / len(b)
    return (statistics.mean(a) - statistics.mean(b)) / math.sqrt(se2) if se2 > 0 else math.nan


def paired_t(a: list[float], b: list[float]) -> float:
    d = [x - y for x, y in zip(a, b)]
    sd = statistics.stdev(d)
    return statistics.mean(d) / (sd / math.sqrt(len(d))) if sd > 0 else math.nan


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    available = list(_samplers(False))
    on_request = {
        "dtlz2_5",
        "hpint-nsgaiii",
        "hpint-nsgaii-sbx",
        "optuna-nsgaii",
        "optuna-nsgaiii",
        "optuna-nsgaii-sbx",
    }
    problems = [p for p in PROBLEMS if p not in on_request]
    parser.add_argument("--problems", nargs="+", default=problems, choices=list(PROBLEMS))
    samplers = [s for s in available if s not in on_request]
    parser.add_argument("--samplers", nargs="+", default=samplers, choices=available)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--multivariate", action="store_true", help="multivariate=True for every TPE")
    parser.add_argument(
        "--compare",
        nargs=2,
        action="append",
        metavar=("A", "B"),
        help="print mean(A) - mean(B) with t-values (repeatable); default: hpint-tpe vs each other TPE",
    )
    parser.add_argument("--out", help="write every run's gaps to this JSON file")
    parser.add_argument("--cost", action="store_true", help="ms per trial instead of hypervolume gaps")
    parser.add_argument("--objectives", type=int, nargs="+", default=[3, 4, 5], help="cost: DTLZ2 with these")
    parser.add_argument("--max-seconds", type=float, default=1800.0, help="cost: CPU seconds per run")
    args = parser.parse_args(argv)
    hpint.logging.set_verbosity(hpint.logging.ERROR)
    warnings.filterwarnings("ignore")
    if args.cost:
        print(f"python {' '.join(sys.argv)}")
        default = args.checkpoints == parser.get_default("checkpoints")
        cost_table(args, [200, 500, 1000] if default else sorted(args.checkpoints))
        return
    checkpoints = sorted(args.checkpoints)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    print(f"python {' '.join(sys.argv)}")
    title = f"Hypervolume gap (HV* - HV, lower is better), seeds {seeds[0]}-{seeds[-1]}"
    print_checkpoint_header(title, checkpoints)
    results: dict[str, dict[str, list[list[float]]]] = {}
    for problem in args.problems:
        results[problem] = {}
        for name in args.samplers:
            start = time.perf_counter()
            runs = [run(problem, name, s, checkpoints, args.multivariate) for s in seeds]
            seconds = (time.perf_counter() - start) / len(seeds)
            results[problem][name] = runs
            cells = [summary([r[i] for r in runs]) for i in range(len(checkpoints))]
            print(f"| {problem} | {name} | " + " | ".join(cells) + f" | {seconds:.1f} |", flush=True)
    pairs = args.compare or [
        ("hpint-tpe", other) for other in args.samplers if other != "hpint-tpe" and "tpe" in other
    ]
    pairs = [(a, b) for a, b in pairs if a in args.samplers and b in args.samplers]
    if pairs and len(seeds) > 1:
        print("\n## Differences of means (A - B; negative: A closer to the true front), Welch t / paired t\n")
        print("| problem | A - B | " + " | ".join(f"{c} trials" for c in checkpoints) + " |")
        print("|" + "---|" * (len(checkpoints) + 2))
        for problem in args.problems:
            for a, b in pairs:
                cells = []
                for i in range(len(checkpoints)):
                    va = [r[i] for r in results[problem][a]]
                    vb = [r[i] for r in results[problem][b]]
                    diff = statistics.mean(va) - statistics.mean(vb)
                    cells.append(f"{diff:+.3g} (t {welch_t(va, vb):+.2f} / {paired_t(va, vb):+.2f})")
                print(f"| {problem} | {a} - {b} | " + " | ".join(cells) + " |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"argv": sys.argv, "checkpoints": checkpoints, "seeds": seeds, "gaps": results}, f)


if __name__ == "__main__":
    main()
