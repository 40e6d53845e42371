"""Compare every trial of a study in TensorBoard's HParams dashboard (no TensorFlow needed).

A small PyTorch MLP on scikit-learn's digits: each trial reports its validation accuracy per epoch, the
median pruner stops poor trials, and ``TensorBoardCallback`` writes one HParams session per trial (its
parameters, accuracy, per-epoch curve and state) while the study runs. About a minute on one CPU core.

Run it, then open TensorBoard (HParams tab: table, parallel coordinates, scatter plots; Scalars or Time
Series tab: the ``intermediate/accuracy`` curves of all trials overlaid)::

    python examples/tensorboard_hparams.py --logdir runs/digits --n-trials 30
    tensorboard --logdir runs/digits

A study that ran without the callback (in any storage) gets the same view with::

    hpint tensorboard export --storage sqlite:///digits.db --study-name digits --logdir runs/digits

To group a trainer's own TensorBoard curves under a trial's session, log them to
``trial_session_dir(logdir, trial)``, e.g. Lightning's
``TensorBoardLogger(trial_session_dir(logdir, trial), name="", version="")``.
"""

from __future__ import annotations

import argparse

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

import hpint
from hpint.integrations.tensorboard import TensorBoardCallback

EPOCHS = 15


def load_data() -> tuple[torch.Tensor, ...]:
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.25, random_state=0)
    as_float = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    as_long = lambda a: torch.tensor(a, dtype=torch.long)  # noqa: E731
    return as_float(x_train), as_long(y_train), as_float(x_val), as_long(y_val)


def build_model(trial: hpint.Trial) -> nn.Module:
    units = trial.suggest_categorical("units", [32, 64, 128])
    activation = {"relu": nn.ReLU, "tanh": nn.Tanh}[trial.suggest_categorical("activation", ["relu", "tanh"])]
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    layers: list[nn.Module] = []
    width = 64
    for _ in range(trial.suggest_int("n_layers", 1, 3)):
        layers += [nn.Linear(width, units), activation(), nn.Dropout(dropout)]
        width = units
    return nn.Sequential(*layers, nn.Linear(width, 10))


def build_optimizer(trial: hpint.Trial, model: nn.Module) -> torch.optim.Optimizer:
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    if trial.suggest_categorical("optimizer", ["adam", "sgd"]) == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    momentum = trial.suggest_float("momentum", 0.0, 0.99)  # define-by-run: only SGD trials have it
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)


def objective(trial: hpint.Trial, data: tuple[torch.Tensor, ...]) -> float:
    x_train, y_train, x_val, y_val = data
    torch.manual_seed(trial.number)
    model = build_model(trial)
    optimizer = build_optimizer(trial, model)
    batch_size = trial.suggest_categorical("batch_size", [32, 64, 128])
    accuracy = 0.0
    for epoch in range(EPOCHS):
        model.train()
        for batch in torch.randperm(len(x_train)).split(batch_size):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(x_val).argmax(dim=1) == y_val).float().mean().item()
        trial.report(accuracy, epoch)  # the TensorBoard curve grows here, while the trial trains
        if trial.should_prune():
            raise hpint.TrialPruned()
    return accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/digits")
    parser.add_argument("--n-trials", type=int, default=30)
    parser.add_argument("--storage", default=None, help="e.g. sqlite:///digits.db (default: in memory)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    data = load_data()
    study = hpint.create_study(
        study_name="digits",
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        pruner=hpint.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
    )
    study.set_metric_names(["accuracy"])
    study.optimize(
        lambda trial: objective(trial, data),
        n_trials=args.n_trials,
        callbacks=[TensorBoardCallback(args.logdir)],
    )
    print(f"Best accuracy {study.best_value:.4f} with {study.best_params}")
    print(f"View all trials with: tensorboard --logdir {args.logdir}")


if __name__ == "__main__":
    main()
