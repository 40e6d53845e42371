"""Pruning on a real training task: epochs trained and best validation accuracy per pruner. Prints tables.

The task: a one-hidden-layer MLP on scikit-learn's digits (1,347 training / 450 validation images),
tuned over learning rate, width, optimizer and weight decay by the default TPE sampler, 30 trials x 20
epochs, the validation accuracy reported after every epoch (step = epoch). Every study is run with no
pruner, the median pruner, ASHA (SuccessiveHalvingPruner) and Hyperband, each with its default
arguments, for several sampler seeds, with hpint and (when installed) Optuna, both through the same
objective code. The MLP is trained with plain torch so that the whole comparison costs minutes.

Another table takes hpint's Hyperband apart bracket by bracket: the epochs each bracket would train under
ideal synchronous halving, on the fixed curves in random and in TPE's order, and in the live studies.

A last table measures what the Lightning callback costs per epoch: the time spent in
``PruningCallback.on_validation_end`` (report to a SQLite storage + the pruner's decision) during real
Lightning training, apart from the training itself.

    nice -n 10 python benchmarks/pruning.py                       # 30 trials x 20 epochs, 3 seeds
    nice -n 10 python benchmarks/pruning.py --seeds 1 --trials 10  # a quick look
    nice -n 10 python benchmarks/pruning.py --only-overhead         # the Lightning callback table alone
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

import hpint
from hpint.pruners._rungs import bracket_budgets, rung_step

PRUNERS = {
    "none": "NopPruner",
    "median": "MedianPruner",
    "asha": "SuccessiveHalvingPruner",
    "hyperband": "HyperbandPruner",
}


# ---- the task ----
def digits_tensors() -> tuple[torch.Tensor, ...]:
    """(x_train, y_train, x_val, y_val): a fixed stratified 75/25 split, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_tr, x_va, y_tr, y_va = train_test_split(x / 16.0, y, test_size=0.25, stratify=y, random_state=0)
    f, i = torch.float32, torch.int64
    return (
        torch.tensor(x_tr, dtype=f),
        torch.tensor(y_tr, dtype=i),
        torch.tensor(x_va, dtype=f),
        torch.tensor(y_va, dtype=i),
    )


def suggest(trial: Any) -> dict[str, Any]:
    return {
        "lr": trial.suggest_float("lr", 1e-5, 1e-1, log=True),
        "hidden": trial.suggest_int("hidden", 4, 256, log=True),
        "optimizer": trial.suggest_categorical("optimizer", ["sgd", "adam"]),
        "weight_decay": trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True),
    }


def train(
    p: dict[str, Any], data: tuple[torch.Tensor, ...], epochs: int, seed: int, after_epoch: Any = None
) -> float:
    """Train the MLP with parameters ``p`` (torch seeded with ``seed``); the last epoch's validation
    accuracy. ``after_epoch(epoch, accuracy)`` is called after every epoch (the objective reports there)."""
    x_tr, y_tr, x_va, y_va = data
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, p["hidden"]), torch.nn.ReLU(), torch.nn.Linear(p["hidden"], 10)
    )
    opt_class = torch.optim.Adam if p["optimizer"] == "adam" else torch.optim.SGD
    opt = opt_class(model.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])
    acc = 0.0
    for epoch in range(epochs):
        for idx in torch.randperm(len(y_tr)).split(64):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x_tr[idx]), y_tr[idx]).backward()
            opt.step()
        with torch.no_grad():
            acc = (model(x_va).argmax(1) == y_va).float().mean().item()
        if after_epoch is not None:
            after_epoch(epoch, acc)
    return acc


def make_objective(lib: Any, data: tuple[torch.Tensor, ...], epochs: int, counter: list[int]) -> Any:
    """The objective both libraries run: train, report the validation accuracy each epoch, obey the pruner."""

    def objective(trial: Any) -> float:
        def after_epoch(epoch: int, acc: float) -> None:
            counter[0] += 1
            trial.report(acc, epoch)
            if trial.should_prune():
                raise lib.TrialPruned()

        return train(suggest(trial), data, epochs, trial.number, after_epoch)

    return objective


def retrained(params: dict[str, Any], data: tuple[torch.Tensor, ...], epochs: int, repeats: int) -> float:
    """The mean last-epoch accuracy of ``params`` trained anew with ``repeats`` other torch seeds.

    A study's best value is the maximum of noisy values (one initialisation, one epoch's accuracy), which
    favours studies that complete more trials; this measures the chosen configuration itself.
    """
    return statistics.mean(train(params, data, epochs, 10_000 + i) for i in range(repeats))


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"asha"`` or ``'asha:{"reduction_factor": 3}'``: a key of PRUNERS and the pruner's arguments."""
    name, _, arguments = spec.partition(":")
    if name not in PRUNERS:
        raise SystemExit(f"unknown pruner {name!r} in --pruners {spec!r}; choose from {', '.join(PRUNERS)}")
    return name, json.loads(arguments) if arguments else {}


def run_study(lib: Any, spec: str, seed: int, args: argparse.Namespace, data: Any) -> dict[str, Any]:
    """One study: its epochs trained, best accuracy (of COMPLETE trials), the best trial's parameters
    retrained (``--retrain`` times, else None), pruned count, seconds, and the learning curves."""
    counter = [0]
    name, arguments = parse_spec(spec)
    study = lib.create_study(
        study_name=study_name(name, seed),  # Hyperband's brackets hash the name: fixed, reproducible
        direction="maximize",
        sampler=lib.samplers.TPESampler(seed=seed),
        pruner=getattr(lib.pruners, PRUNERS[name])(**arguments),
    )
    start = time.perf_counter()
    study.optimize(make_objective(lib, data, args.epochs, counter), n_trials=args.trials)
    seconds = time.perf_counter() - start
    pruned = sum(t.state.name == "PRUNED" for t in study.trials)
    curves = [[t.intermediate_values[s] for s in sorted(t.intermediate_values)] for t in study.trials]
    repeats = args.retrain
    return {
        "seed": seed,
        "epochs": counter[0],
        "best": 100 * study.best_value,
        "retrained": 100 * retrained(study.best_params, data, args.epochs, repeats) if repeats else None,
        "pruned": pruned,
        "seconds": seconds,
        "curves": curves,
    }


def study_name(pruner: str, seed: int) -> str:
    """The live study's name; replays reuse it, so Hyperband puts trial n in the same bracket in both."""
    return f"digits-{pruner}-seed{seed}"


def replay(lib: Any, pruner: str, curves: list[list[float]], name: str = "replay") -> list[int]:
    """Feed fixed learning curves to a pruner, one trial after the other; the epochs each trial trains.

    Without a sampler reacting to the decisions, this isolates the pruner: two implementations of the
    same rule must stop the same trials at the same epochs.
    """
    study = lib.create_study(
        direction="maximize", pruner=getattr(lib.pruners, PRUNERS[pruner])(), study_name=name
    )
    trained = []
    for curve in curves:
        trial = study.ask()
        for epoch, value in enumerate(curve):
            trial.report(value, epoch)
            if trial.should_prune():
                study.tell(trial, state=lib.trial.TrialState.PRUNED)
                trained.append(epoch + 1)
                break
        else:
            study.tell(trial, curve[-1])
            trained.append(len(curve))
    return trained


def replay_table(
    args: argparse.Namespace, libs: dict[str, Any], curves: list[list[list[float]]], seeds: list[int]
) -> None:
    """Epochs each pruner trains on the no-pruning studies' curves, and whether it keeps the best trial."""
    print(f"\n## Pruners on fixed curves: the {len(curves)} no-pruning hpint studies replayed\n")
    print("Last column: whether every trial stopped at the same epoch as with the first library's pruner.\n")
    print("| library | pruner | epochs | vs. no pruning | best trial kept | best kept acc. | same stops |")
    print("|---|---|---|---|---|---|---|")
    first = {}
    for name, lib in libs.items():
        for pruner in PRUNERS:
            runs = [replay(lib, pruner, c, study_name(pruner, seed)) for seed, c in zip(seeds, curves)]
            epochs = statistics.mean(sum(r) for r in runs)
            kept = [max(c[-1] for c, n in zip(cs, r) if n == args.epochs) for cs, r in zip(curves, runs)]
            best = [max(c[-1] for c in cs) for cs in curves]
            first.setdefault(pruner, runs)
            print(
                f"| {name} | {pruner} | {epochs:.0f} | {epochs / (args.trials * args.epochs):.2f} "
                f"| {sum(k == b for k, b in zip(kept, best))}/{len(curves)} "
                f"| {100 * statistics.mean(kept):.2f} | {'yes' if runs == first[pruner] else 'NO'} |",
                flush=True,
            )


def pruner_table(args: argparse.Namespace, libs: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each pruner in real studies (the sampler sees its decisions), then on fixed curves; returns hpint's
    runs by pruner."""
    data = digits_tensors()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    print(f"\n## Pruners: {args.trials} trials x {args.epochs} epochs, TPE, seeds {seeds[0]}..{seeds[-1]}\n")
    retrain = (
        f" Retrained: the best trial's parameters trained anew with {args.retrain} other torch seeds, the "
        "mean accuracy (the chosen configuration itself, without the luck of its one run)."
        if args.retrain
        else ""
    )
    print(
        "Epochs and best accuracy (%) are the mean over seeds; [min, max] of the best accuracy in brackets; "
        "points vs. no pruning: the mean over seeds of (best accuracy - the same seed's best without "
        f"pruning), +- its standard error.{retrain}\n"
    )
    print(
        "| library | pruner | epochs trained | vs. no pruning | pruned trials | best val. acc. "
        f"| points vs. no pruning {'| retrained | retrained vs. no pruning ' if args.retrain else ''}"
        "| s/study |"
    )
    print("|---|---|---|---|---|---|---|" + ("---|---|" if args.retrain else "") + "---|")
    hpint_runs: dict[str, list[dict[str, Any]]] = {}
    for name, lib in libs.items():
        baseline: dict[str, Any] = {}
        for pruner in args.pruners:
            runs = [run_study(lib, pruner, seed, args, data) for seed in seeds]
            if lib is hpint:
                hpint_runs[pruner] = runs
            epochs = statistics.mean(r["epochs"] for r in runs)
            best = [r["best"] for r in runs]
            if pruner == "none":
                baseline = {"epochs": epochs, "best": best, "retrained": [r["retrained"] for r in runs]}
            cells = f"| {statistics.mean(best):.2f} [{min(best):.2f}, {max(best):.2f}] "
            cells += f"| {paired_gap(best, baseline['best'])} "
            if args.retrain:
                again = [r["retrained"] for r in runs]
                cells += f"| {statistics.mean(again):.2f} | {paired_gap(again, baseline['retrained'])} "
            print(
                f"| {name} | {pruner} | {epochs:.0f} | {epochs / baseline['epochs']:.2f} "
                f"| {statistics.mean(r['pruned'] for r in runs):.1f} {cells}"
                f"| {statistics.mean(r['seconds'] for r in runs):.1f} |",
                flush=True,
            )
    if "hyperband" in args.pruners:  # the default four: also replay them on the fixed curves
        replay_table(args, libs, [r["curves"] for r in hpint_runs["none"]], seeds)
    return hpint_runs


def paired_gap(values: list[float], baseline: list[float]) -> str:
    """The mean over seeds of (value - the same seed's baseline), +- its standard error."""
    gaps = [v - b for v, b in zip(values, baseline)]
    spread = statistics.stdev(gaps) / len(gaps) ** 0.5 if len(gaps) > 1 else 0.0
    return f"{statistics.mean(gaps):+.2f} +- {spread:.2f}"


# ---- where Hyperband's epochs go ----
def ideal_share(rate: int, epochs: int, min_resource: int, reduction_factor: int) -> float:
    """The share of ``epochs`` a trial of the bracket with early-stopping rate ``rate`` trains, on average,
    under synchronous successive halving with unlimited trials: all reach the first rung, exactly
    ``1 / reduction_factor`` of them each next one. Steps are 0-based epochs: step s ends epoch s + 1."""
    trained, alive, total, rung = 0, 1.0, 0.0, 0
    while (step := rung_step(min_resource, reduction_factor, rate, rung)) < epochs:
        total += alive * (step + 1 - trained)
        trained, alive, rung = step + 1, alive / reduction_factor, rung + 1
    return (total + alive * (epochs - trained)) / epochs


def shuffled_replay(curves: list[list[float]], name: str, n_orders: int, seed: int) -> list[float]:
    """Mean epochs of trial number n over ``n_orders`` replays with the curves in random order (trial 0's
    curve kept first: with max_resource "auto" it always runs to the end). Removes the sampler's trend."""
    rng = random.Random(seed)
    totals = [0.0] * len(curves)
    for _ in range(n_orders):
        order = [0, *rng.sample(range(1, len(curves)), len(curves) - 1)]
        for n, epochs in enumerate(replay(hpint, "hyperband", [curves[i] for i in order], name)):
            totals[n] += epochs / n_orders
    return totals


def rung_epochs(rate: int, epochs: int, min_resource: int, reduction_factor: int) -> list[int]:
    """The epochs after which a bracket with early-stopping rate ``rate`` judges its trials."""
    steps = (rung_step(min_resource, reduction_factor, rate, k) for k in range(epochs))
    return [step + 1 for step in steps if step < epochs]


def bracket_share(
    trained: list[list[float]], ids: list[list[int]], bracket: int | None, epochs: int
) -> float:
    """Epochs trained by the trials of ``bracket`` (None: all) over all seeds, as a share of their maximum."""
    pairs = [(e, b) for seed_e, seed_ids in zip(trained, ids) for e, b in zip(seed_e, seed_ids)]
    chosen = [e for e, b in pairs if bracket is None or b == bracket]
    return sum(chosen) / (len(chosen) * epochs)


def hyperband_table(args: argparse.Namespace, runs: dict[str, list[dict[str, Any]]]) -> None:
    """hpint's Hyperband (default arguments) bracket by bracket: its rungs, its share of the trials, the
    epochs it would train at best, and what it trained on fixed curves and in the live studies."""
    defaults = inspect.signature(hpint.pruners.HyperbandPruner).parameters
    min_resource, eta = defaults["min_resource"].default, defaults["reduction_factor"].default
    pruner = hpint.pruners.HyperbandPruner(max_resource=args.epochs)  # what "auto" resolves to here
    n = pruner.n_brackets or 0
    budgets = bracket_budgets(n, eta)
    names = [study_name("hyperband", r["seed"]) for r in runs["hyperband"]]
    studies = [hpint.create_study(study_name=name) for name in names]  # only their names matter
    ids = [[pruner.bracket_id(study, t) for t in range(args.trials)] for study in studies]
    fixed = [r["curves"] for r in runs["none"]]
    trained = [
        [shuffled_replay(c, name, args.orders, seed) for seed, (c, name) in enumerate(zip(fixed, names))],
        [replay(hpint, "hyperband", c, name) for c, name in zip(fixed, names)],
        [[len(c) for c in r["curves"]] for r in runs["hyperband"]],
    ]
    ideal = [ideal_share(b, args.epochs, min_resource, eta) for b in range(n)]
    print(
        f"\n## Hyperband's {n} brackets (min_resource {min_resource}, reduction_factor {eta}, max_resource "
        f"{args.epochs}), seeds {runs['hyperband'][0]['seed']}..{runs['hyperband'][-1]['seed']}\n"
    )
    print(
        "Epochs trained / (trials x epochs). Ideal: synchronous halving with unlimited trials. Fixed curves: "
        f"the no-pruning studies' curves in random order (mean of {args.orders} orders) and in the order "
        "TPE produced them. Live: the Hyperband studies of the first table.\n"
    )
    print(
        "| bracket | judged after epoch | share of trials | trials per seed | ideal "
        "| fixed curves, random order | fixed curves, study order | live |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for b in range(n):
        judged = ", ".join(map(str, rung_epochs(b, args.epochs, min_resource, eta)))
        counts = ", ".join(str(seed_ids.count(b)) for seed_ids in ids)
        cells = "".join(f"| {bracket_share(t, ids, b, args.epochs):.2f} " for t in trained)
        print(f"| {b} | {judged} | {budgets[b]}/{sum(budgets)} | {counts} | {ideal[b]:.2f} {cells}|")
    expected = sum(u * i for u, i in zip(budgets, ideal)) / sum(budgets)
    these = statistics.mean(ideal[b] for seed_ids in ids for b in seed_ids)
    cells = "".join(f"| {bracket_share(t, ids, None, args.epochs):.2f} " for t in trained)
    print(f"| all | | | {args.trials} | {expected:.2f} ({these:.2f} with these trials) {cells}|", flush=True)


# ---- what the Lightning callback costs per epoch ----
def _lightning_digits(pl: Any) -> type:
    class Digits(pl.LightningModule):
        def __init__(self, lr: float) -> None:
            super().__init__()
            self.lr = lr
            self.net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            return torch.nn.functional.cross_entropy(self.net(batch[0]), batch[1])

        def validation_step(self, batch: Any, batch_idx: int) -> None:
            self.log("val_acc", (self.net(batch[0]).argmax(1) == batch[1]).float().mean())

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), lr=self.lr)

    return Digits


def timed_study(args: argparse.Namespace, storage: str | None) -> tuple[np.ndarray, np.ndarray, float]:
    """Run a Lightning study; (wall ms, CPU ms) of each ``on_validation_end`` and the median ms per epoch."""
    import lightning.pytorch as pl

    from hpint.integrations.lightning import PruningCallback

    wall: list[float] = []
    cpu: list[float] = []

    class TimedPruningCallback(PruningCallback):
        def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
            start, start_cpu = time.perf_counter(), time.thread_time()
            super().on_validation_end(trainer, pl_module)
            if not trainer.sanity_checking:
                wall.append(time.perf_counter() - start)
                cpu.append(time.thread_time() - start_cpu)

    x_tr, y_tr, x_va, y_va = digits_tensors()
    data = torch.utils.data.TensorDataset
    train = torch.utils.data.DataLoader(data(x_tr, y_tr), batch_size=64, shuffle=True)
    val = torch.utils.data.DataLoader(data(x_va, y_va), batch_size=512)
    per_epoch: list[float] = []
    digits_module = _lightning_digits(pl)

    def objective(trial: hpint.Trial) -> float:
        trainer = pl.Trainer(
            max_epochs=args.overhead_epochs,
            callbacks=[TimedPruningCallback(trial, monitor="val_acc")],
            accelerator="cpu",
            enable_progress_bar=False,
            logger=False,
            enable_checkpointing=False,
            enable_model_summary=False,
        )
        start = time.perf_counter()
        trainer.fit(digits_module(trial.suggest_float("lr", 1e-4, 1e-1, log=True)), train, val)
        per_epoch.append((time.perf_counter() - start) / max(trainer.current_epoch, 1))
        return trainer.callback_metrics["val_acc"].item()

    study = hpint.create_study(
        storage=storage,
        direction="maximize",
        sampler=hpint.samplers.TPESampler(seed=0),
        pruner=hpint.pruners.MedianPruner(),
    )
    study.optimize(objective, n_trials=args.overhead_trials)
    return np.array(wall) * 1000, np.array(cpu) * 1000, 1000 * statistics.median(per_epoch)


def callback_overhead(args: argparse.Namespace) -> None:
    """Milliseconds per ``on_validation_end`` of the Lightning callback (report + pruner), real Trainer."""
    import logging

    for name in (
        "lightning.pytorch",
        "lightning.pytorch.utilities.rank_zero",
        "lightning.pytorch.accelerators.cuda",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)
    print(
        f"\n## Lightning callback: ms per epoch in on_validation_end, {args.overhead_trials} trials x "
        f"<= {args.overhead_epochs} epochs, MedianPruner\n"
    )
    print("wall = elapsed time; CPU = this thread's CPU time (not inflated when other processes run).\n")
    print(
        "| storage | calls | wall median | wall mean | wall p95 | CPU median | CPU mean | Lightning epoch |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, storage in [("SQLite", f"sqlite:///{Path(tmp) / 'overhead.db'}"), ("in-memory", None)]:
            wall, cpu, epoch_ms = timed_study(args, storage)
            print(
                f"| {name} | {len(wall)} | {np.median(wall):.2f} | {wall.mean():.2f} "
                f"| {np.percentile(wall, 95):.2f} | {np.median(cpu):.2f} | {cpu.mean():.2f} "
                f"| {epoch_ms:.0f} |",
                flush=True,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3, help="how many sampler seeds")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run from this one on")
    parser.add_argument(
        "--pruners",
        nargs="+",
        default=list(PRUNERS),
        metavar="SPEC",
        help=f"pruners to run, 'none' first: a name ({', '.join(PRUNERS)}) or name:JSON arguments, e.g. "
        "'asha:{\"reduction_factor\": 3}'; the fixed-curve and Hyperband tables need plain 'hyperband'",
    )
    parser.add_argument(
        "--retrain",
        type=int,
        default=0,
        metavar="K",
        help="retrain each study's best parameters K times with other torch seeds (adds two columns)",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        metavar="N",
        help="torch's intra-op threads (default 1: several studies or a busy machine thrash with more)",
    )
    parser.add_argument("--orders", type=int, default=20, help="random orders per seed (Hyperband table)")
    parser.add_argument("--overhead-trials", type=int, default=10)
    parser.add_argument("--overhead-epochs", type=int, default=10)
    parser.add_argument("--no-optuna", action="store_true", help="skip Optuna even when it is installed")
    parser.add_argument("--skip-overhead", action="store_true", help="skip the Lightning callback table")
    parser.add_argument("--only-overhead", action="store_true", help="run only the Lightning callback table")
    args = parser.parse_args(argv)
    if args.torch_threads < 1:
        parser.error(f"--torch-threads must be at least 1, not {args.torch_threads}")
    if args.pruners[0] != "none":
        parser.error("--pruners must start with 'none': the other rows are compared with it")
    for spec in args.pruners:
        parse_spec(spec)
    warnings.filterwarnings("ignore")
    torch.set_num_threads(args.torch_threads)
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    libs: dict[str, Any] = {"hpint": hpint}
    if not args.no_optuna and importlib.util.find_spec("optuna") is not None:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        libs["optuna " + optuna.__version__] = optuna
    print(f"python {' '.join(sys.argv)}")
    if not args.only_overhead:
        runs = pruner_table(args, libs)
        if "hyperband" in runs:
            hyperband_table(args, runs)
    if not args.skip_overhead:
        callback_overhead(args)


if __name__ == "__main__":
    main()
