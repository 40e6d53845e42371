"""Tune a Lightning MLP on scikit-learn's digits, pruning unpromising trials after each epoch.

Run:  python examples/lightning_digits.py [--storage sqlite:///lightning_digits.db] [--n-trials 24] [--seed 0]
      [--plots DIR]

Each trial trains for up to 12 epochs; hpint's PruningCallback reports the validation accuracy after
every epoch and stops training when the Hyperband pruner rejects the trial, which then ends PRUNED
without the objective raising anything. The study is stored in SQLite: running the script again adds
trials to it, and copies started at once in several terminals share the work. At the end it prints
each parameter's importance (fANOVA) and, with ``--plots DIR``, saves three plots (matplotlib).
"""

from __future__ import annotations

import argparse
import logging
import warnings
from pathlib import Path

import hpint
from hpint.integrations.lightning import PruningCallback

try:
    import lightning.pytorch as pl
    import torch
except ImportError as e:
    raise ImportError(
        f'This example needs Lightning ({e}); install it with: pip install "hpint[lightning]"'
    ) from e

MAX_EPOCHS = 12


class DigitsMLP(pl.LightningModule):
    """64 pixels -> hidden ReLU layer with dropout -> 10 classes; logs ``val_acc`` and ``val_loss``."""

    def __init__(self, hidden: int, dropout: float, lr: float) -> None:
        super().__init__()
        self.lr = lr
        self.net = torch.nn.Sequential(
            torch.nn.Linear(64, hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(dropout),
            torch.nn.Linear(hidden, 10),
        )

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.cross_entropy(self.net(x), y)

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> None:
        x, y = batch
        logits = self.net(x)
        self.log("val_loss", torch.nn.functional.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(dim=1) == y).float().mean())

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def digits_loaders() -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader]:
    """Training (75%) and validation (25%) loaders; the split is fixed so that trials are comparable."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(x / 16.0, y, test_size=0.25, stratify=y, random_state=0)

    def dataset(features, labels):  # noqa: ANN001, ANN202
        return torch.utils.data.TensorDataset(
            torch.tensor(features, dtype=torch.float32), torch.tensor(labels)
        )

    return (
        torch.utils.data.DataLoader(dataset(x_train, y_train), batch_size=64, shuffle=True),
        torch.utils.data.DataLoader(dataset(x_val, y_val), batch_size=len(y_val)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="sqlite:///lightning_digits.db")
    parser.add_argument("--study-name", default="lightning-digits")
    parser.add_argument("--n-trials", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0, help="sampler and per-trial training seed")
    parser.add_argument(
        "--plots", metavar="DIR", help="save learning curves, history and importances as PNG (hpint[plot])"
    )
    args = parser.parse_args()
    quiet_lightning()
    torch.set_num_threads(1)  # a model this small trains faster on one thread than split across cores
    train_loader, val_loader = digits_loaders()

    def objective(trial: hpint.Trial) -> float:
        # the trial's weights and batch order follow from the seed and its number: a rerun (in a fresh
        # storage) gives the same study
        pl.seed_everything(args.seed + trial.number, verbose=False)
        model = DigitsMLP(
            hidden=trial.suggest_int("hidden", 8, 256, log=True),
            dropout=trial.suggest_float("dropout", 0.0, 0.5),
            lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True),
        )
        trainer = pl.Trainer(
            max_epochs=MAX_EPOCHS,
            callbacks=[PruningCallback(trial, monitor="val_acc")],
            accelerator="cpu",
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        trainer.fit(model, train_loader, val_loader)
        return trainer.callback_metrics["val_acc"].item()  # ignored when the trial was pruned

    study = hpint.create_study(
        storage=args.storage,
        study_name=args.study_name,
        direction="maximize",
        sampler=hpint.samplers.TPESampler(seed=args.seed),
        pruner=hpint.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3),
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=args.n_trials)

    states = [t.state for t in study.trials]
    pruned = states.count(hpint.trial.TrialState.PRUNED)
    complete = states.count(hpint.trial.TrialState.COMPLETE)
    epochs = sum(len(t.intermediate_values) for t in study.trials)
    print(
        f"{len(states)} trials stored: {complete} complete, {pruned} pruned; {epochs} epochs trained in all"
    )
    best = study.best_trial
    print(f"best validation accuracy {best.value:.4f} (trial {best.number}): {best.params}")
    # seeded: the forest behind fANOVA is random, and on a few complete trials its estimate varies
    evaluator = hpint.importance.FanovaImportanceEvaluator(seed=args.seed)
    importances = hpint.importance.get_param_importances(study, evaluator=evaluator)
    print("parameter importances (fANOVA): " + ", ".join(f"{k} {v:.2f}" for k, v in importances.items()))
    if args.plots:
        save_plots(study, Path(args.plots), evaluator)


def save_plots(
    study: hpint.Study, directory: Path, evaluator: hpint.importance.BaseImportanceEvaluator
) -> None:
    """The per-epoch curves (pruned ones dashed), the optimization history and the importances, as PNG."""
    directory.mkdir(parents=True, exist_ok=True)
    mpl = hpint.visualization.matplotlib  # Axes to save; hpint.visualization's plots are plotly figures
    plots = {
        "intermediate_values": mpl.plot_intermediate_values,
        "optimization_history": mpl.plot_optimization_history,
        "param_importances": lambda s: mpl.plot_param_importances(s, evaluator=evaluator),
    }
    for name, plot in plots.items():
        ax = plot(study)
        ax.figure.savefig(directory / f"{name}.png", dpi=100, bbox_inches="tight")
    print(f"plots saved in {directory}/")


def quiet_lightning() -> None:
    """Keep the output to the study's result: no per-trial Lightning banners or data-loader hints."""
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    for name in (
        "lightning.pytorch",
        "lightning.pytorch.utilities.rank_zero",
        "lightning.pytorch.accelerators",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*does not have many workers.*")
    warnings.filterwarnings("ignore", message=".*LeafSpec.*")


if __name__ == "__main__":
    main()
