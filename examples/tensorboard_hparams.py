"""Compare every trial of a study in TensorBoard's HParams dashboard (no TensorFlow needed).

A small Lightning MLP on scikit-learn's digits: hpint's Lightning ``PruningCallback`` reports the
validation accuracy after every epoch (the median pruner stops poor trials), and ``TensorBoardCallback``
turns each trial into an HParams session while the study runs: its parameters, accuracy, ``state`` and
per-epoch curve, status "Running" until it ends. The defaults (30 trials of at most 10 epochs) took
50 s on a shared 2-core machine.

Run it, then open TensorBoard (HParams tab: table, parallel coordinates, scatter plots; Time Series or
Scalars tab: the ``intermediate/accuracy`` curves of all trials overlaid, step = epoch)::

    python examples/tensorboard_hparams.py --logdir runs/digits --n-trials 30
    tensorboard --logdir runs/digits

A study that ran without the callback (in any storage) gets the same view with::

    hpint tensorboard export --storage sqlite:///digits.db --study-name digits --logdir runs/digits

``--lightning-logs`` also points Lightning's own ``TensorBoardLogger`` at ``trial_session_dir(logdir,
trial)``, so its per-step curves sit in the trial's run, next to its HParams session. Keep
``default_hp_metric=False`` there: otherwise Lightning writes a second HParams record of its own into the
run. (Lightning's logger writes through ``torch.utils.tensorboard``, which imports TensorFlow when it is
installed; hpint's callback never does.)
"""

from __future__ import annotations

import argparse
import logging
import warnings
from typing import Any

import lightning.pytorch as pl
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import hpint
from hpint.integrations.lightning import PruningCallback
from hpint.integrations.tensorboard import TensorBoardCallback, trial_session_dir


def load_data() -> tuple[torch.utils.data.TensorDataset, torch.utils.data.TensorDataset]:
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.25, random_state=0)
    as_dataset = lambda a, b: torch.utils.data.TensorDataset(  # noqa: E731
        torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.long)
    )
    return as_dataset(x_train, y_train), as_dataset(x_val, y_val)


class DigitsMLP(pl.LightningModule):
    """An MLP whose shape, regularisation and optimizer come from the trial (define-by-run)."""

    def __init__(self, trial: hpint.Trial) -> None:
        super().__init__()
        units = trial.suggest_categorical("units", [32, 64, 128])
        name = trial.suggest_categorical("activation", ["relu", "tanh"])
        activation = {"relu": nn.ReLU, "tanh": nn.Tanh}[name]
        dropout = trial.suggest_float("dropout", 0.0, 0.5)
        layers: list[nn.Module] = []
        width = 64
        for _ in range(trial.suggest_int("n_layers", 1, 3)):
            layers += [nn.Linear(width, units), activation(), nn.Dropout(dropout)]
            width = units
        self.net = nn.Sequential(*layers, nn.Linear(width, 10))
        self.lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        self.weight_decay = trial.suggest_float("weight_decay", 1e-6, 1e-2, log=True)
        # Every trial suggests every parameter: TensorBoard's parallel coordinates leave out trials that
        # lack a value in a shown column (a parameter only SGD trials had would hide all Adam trials).
        self.optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd"])

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self.net(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_acc", (self.net(x).argmax(dim=1) == y).float().mean())

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.optimizer == "adam":
            return torch.optim.Adam(self.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9, weight_decay=self.weight_decay)


def objective(trial: hpint.Trial, data: tuple[Any, Any], args: argparse.Namespace) -> float:
    torch.manual_seed(trial.number)
    model = DigitsMLP(trial)
    batch_size = trial.suggest_categorical("batch_size", [32, 64, 128])
    train, val = data
    logger: Any = False
    if args.lightning_logs:
        from lightning.pytorch.loggers import TensorBoardLogger

        save_dir = trial_session_dir(args.logdir, trial)
        logger = TensorBoardLogger(save_dir, name="", version="", default_hp_metric=False)
    trainer = pl.Trainer(
        max_epochs=args.epochs,
        # reports val_acc to the trial each epoch: the TensorBoard curve grows while the trial trains
        callbacks=[PruningCallback(trial, monitor="val_acc")],
        logger=logger,
        accelerator="cpu",
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(
        model,
        torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True),
        torch.utils.data.DataLoader(val, batch_size=len(val)),
    )
    return trainer.callback_metrics["val_acc"].item()  # a pruned trial is recorded PRUNED anyway


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/digits")
    parser.add_argument("--n-trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--storage", default=None, help="e.g. sqlite:///digits.db (default: in memory)")
    parser.add_argument("--lightning-logs", action="store_true", help="also Lightning's TensorBoardLogger")
    args = parser.parse_args()

    torch.set_num_threads(1)
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)  # no per-trial banner
    warnings.filterwarnings("ignore", module="lightning")  # e.g. "few workers in the DataLoader"
    data = load_data()
    study = hpint.create_study(
        study_name="digits",
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        sampler=hpint.samplers.TPESampler(seed=0),
        pruner=hpint.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
    )
    study.set_metric_names(["accuracy"])
    study.optimize(
        lambda trial: objective(trial, data, args),
        n_trials=args.n_trials,
        callbacks=[TensorBoardCallback(args.logdir)],
    )
    states = [t.state.name for t in study.trials]
    print(f"{len(states)} trials: {states.count('COMPLETE')} complete, {states.count('PRUNED')} pruned")
    print(f"Best accuracy {study.best_value:.4f} with {study.best_params}")
    print(f"View all trials with: tensorboard --logdir {args.logdir}")


if __name__ == "__main__":
    main()
