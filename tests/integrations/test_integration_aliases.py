"""Optuna's ``optuna.integration`` names under ``import hpint as optuna``: signatures, lazy loading, and
Optuna-style objectives that run unchanged (our callbacks stop ``fit`` instead of raising inside it)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

import hpint as optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
pytestmark = [
    # Keras' torch backend converts tensors in a way NumPy 2 warns about; Lightning warns about its pytree.
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:`isinstance\\(treespec, LeafSpec\\)` is deprecated"),
]

EPOCHS = 6
_FRAMEWORKS = ("keras", "tensorflow", "torch", "lightning", "pytorch_lightning", "tensorboard")


def test_names_have_optunas_signatures():
    required = inspect.Parameter.empty
    expected = {
        "KerasPruningCallback": [("trial", required), ("monitor", required), ("interval", 1)],
        "TFKerasPruningCallback": [("trial", required), ("monitor", required)],
        "PyTorchLightningPruningCallback": [("trial", required), ("monitor", required)],
        "TensorBoardCallback": [("dirname", required), ("metric_name", required)],
    }
    assert sorted(optuna.integration.__all__) == sorted(expected)
    for name, params in expected.items():
        signature = inspect.signature(getattr(optuna.integration, name))
        assert [(p.name, p.default) for p in signature.parameters.values()] == params, name


def test_an_unknown_name_says_what_exists():
    with pytest.raises(AttributeError, match="LightGBMPruningCallback.*KerasPruningCallback"):
        optuna.integration.LightGBMPruningCallback  # noqa: B018
    assert "TFKerasPruningCallback" in dir(optuna.integration)


def test_names_load_no_framework_until_used_and_a_missing_keras_says_what_to_install():
    code = f"""
import sys
import hpint as optuna
names = [optuna.integration.KerasPruningCallback, optuna.integration.TFKerasPruningCallback,
         optuna.integration.PyTorchLightningPruningCallback]
loaded = [m for m in {_FRAMEWORKS!r} if m in sys.modules]
assert not loaded, loaded
sys.modules["keras"] = sys.modules["tf_keras"] = None  # as if Keras were not installed
try:
    optuna.integration.KerasPruningCallback(optuna.create_study().ask(), "val_loss")
except ImportError as e:
    assert 'pip install "hpint[keras]"' in str(e), e
else:
    raise AssertionError("no ImportError")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


class _PruneFrom(optuna.pruners.BasePruner):
    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study, trial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.step


@pytest.fixture
def one_torch_thread():
    """Tiny models train ~10x faster with one thread on 2 shared cores."""
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _digits():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return x[:1000], y[:1000], x[1000:1400], y[1000:1400]


# ---- Keras: the shape of Optuna's Keras example ----
def test_optuna_style_keras_objective(one_torch_thread):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    x, y, x_val, y_val = _digits()
    epochs_run = []

    def objective(trial):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(
            x, y, batch_size=128, epochs=EPOCHS, validation_data=(x_val, y_val), verbose=0,
            callbacks=[optuna.integration.KerasPruningCallback(trial, "val_accuracy")],
        )  # fmt: skip
        epochs_run.append(len(model.history.epoch))
        return model.evaluate(x_val, y_val, verbose=0)[1]

    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.MedianPruner(1, 1))
    study.enqueue_trial({"lr": 3e-2})
    study.enqueue_trial({"lr": 1e-5})
    study.optimize(objective, n_trials=2)
    good, bad = study.trials
    assert good.state == optuna.trial.TrialState.COMPLETE and epochs_run[0] == EPOCHS
    assert bad.state == optuna.trial.TrialState.PRUNED and epochs_run[1] == 2
    assert sorted(bad.intermediate_values) == [0, 1] and study.best_trial.number == 0


# ---- Lightning: the shape of Optuna's PyTorch Lightning example ----
def _lightning_objective(pl, torch, data, epochs_run):
    x, y, x_val, y_val = (torch.as_tensor(a) for a in data)

    class Net(pl.LightningModule):
        def __init__(self, lr: float) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(64, 10)
            self.lr = lr

        def training_step(self, batch, batch_idx):
            return torch.nn.functional.cross_entropy(self.layer(batch[0]), batch[1])

        def validation_step(self, batch, batch_idx):
            accuracy = (self.layer(batch[0]).argmax(dim=1) == batch[1]).float().mean()
            self.log("val_acc", accuracy)

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=self.lr)

    def loader(a, b, shuffle):
        dataset = torch.utils.data.TensorDataset(a, b)
        return torch.utils.data.DataLoader(dataset, batch_size=128, shuffle=shuffle)

    def objective(trial):
        torch.manual_seed(0)
        model = Net(trial.suggest_float("lr", 1e-5, 1e-1, log=True))
        trainer = pl.Trainer(
            logger=False, enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
            max_epochs=EPOCHS, accelerator="cpu", num_sanity_val_steps=0,
            callbacks=[optuna.integration.PyTorchLightningPruningCallback(trial, monitor="val_acc")],
        )  # fmt: skip
        trainer.fit(model, loader(x, y, True), loader(x_val, y_val, False))
        epochs_run.append(trainer.current_epoch)
        return trainer.callback_metrics["val_acc"].item()

    return objective


@pytest.mark.filterwarnings("ignore:The '.*dataloader' does not have many workers")
def test_optuna_style_lightning_objective(one_torch_thread):
    pl = pytest.importorskip("pytorch_lightning")
    torch = pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    epochs_run: list[int] = []
    objective = _lightning_objective(pl, torch, _digits(), epochs_run)
    studies = [optuna.create_study(direction="maximize", pruner=p) for p in (_PruneFrom(2), None)]
    for study in studies:
        study.optimize(objective, n_trials=1)
    pruned, complete = studies[0].trials[0], studies[1].trials[0]
    assert pruned.state == optuna.trial.TrialState.PRUNED and sorted(pruned.intermediate_values) == [0, 1, 2]
    assert epochs_run == [3, EPOCHS]
    assert complete.state == optuna.trial.TrialState.COMPLETE and len(complete.intermediate_values) == EPOCHS


# ---- TensorBoard ----
def test_optuna_style_tensorboard_callback(tmp_path):
    pytest.importorskip("tensorboard")
    from hpint.integrations.tensorboard import TensorBoardCallback, trial_session_dir

    callback = optuna.integration.TensorBoardCallback(str(tmp_path), "accuracy")
    assert isinstance(callback, TensorBoardCallback) and callback.metric_name == "accuracy"
    study = optuna.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, callbacks=[callback])
    for number in (0, 1):
        assert os.listdir(trial_session_dir(str(tmp_path), number))
