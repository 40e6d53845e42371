"""The Lightning pruning callback with real Lightning training a tiny MLP on scikit-learn's digits.

Pruning decisions are made deterministic with a ThresholdPruner on ``val_loss``: a learning rate of 0.01
brings the loss below 2.0 within the first epoch, while 1e-6 leaves it near ln(10) ~ 2.30.
Multi-process (DDP) runs are in test_lightning_ddp.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("lightning")
pytest.importorskip("sklearn")

import hpint  # noqa: E402
from hpint.integrations.lightning import PruningCallback  # noqa: E402
from hpint.trial import TrialState  # noqa: E402

hpint.logging.set_verbosity(hpint.logging.WARNING)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::UserWarning:lightning.*"),
    pytest.mark.filterwarnings("ignore::UserWarning:pytorch_lightning.*"),
    pytest.mark.filterwarnings("ignore:.*LeafSpec"),
]

SCRIPTS = Path(__file__).parent / "_lightning_scripts"
GOOD_LR, BAD_LR = 0.01, 1e-6
PACKAGES = {"lightning.pytorch": "DigitsLightning", "pytorch_lightning": "DigitsPytorchLightning"}


def _load_digits_model():
    spec = importlib.util.spec_from_file_location("digits_model", SCRIPTS / "digits_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


digits = _load_digits_model()


def threshold_study(storage=None, warmup=1):
    return hpint.create_study(
        storage=storage, pruner=hpint.pruners.ThresholdPruner(upper=2.0, n_warmup_steps=warmup)
    )


def fit(trial, lr, max_epochs, package="lightning.pytorch", callback=None, epoch_log=None, **trainer_args):
    """Train the digits MLP with a pruning callback on ``val_loss``; return (trainer, callback)."""
    pl = importlib.import_module(package)
    callback = callback or PruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(max_epochs=max_epochs, callbacks=[callback], **digits.trainer_kwargs(**trainer_args))
    trainer.fit(getattr(digits, PACKAGES[package])(lr, epoch_log=epoch_log), *digits.loaders())
    return trainer, callback


def epochs_trained(epoch_log: Path) -> list[int]:
    return [int(line.split()[1]) for line in epoch_log.read_text().splitlines()]


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """The tiny MLP trains several times faster on one thread than with threads spinning on busy cores."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(params=["inmemory", "sqlite"])
def storage(request, tmp_path):
    return None if request.param == "inmemory" else f"sqlite:///{tmp_path / 'lightning.db'}"


# ---- reporting, pruning, completing ----
def test_unpruned_trial_completes_with_one_value_per_epoch(storage):
    pl = importlib.import_module("lightning.pytorch")
    study = threshold_study(storage)
    logged = []  # (sanity check?, val_loss) after each validation run, as Lightning computed them

    class Recorder(pl.Callback):
        def on_validation_end(self, trainer, pl_module):
            logged.append((trainer.sanity_checking, trainer.callback_metrics["val_loss"].item()))

    def objective(trial):
        callback = PruningCallback(trial, monitor="val_loss")
        trainer = pl.Trainer(
            max_epochs=3, callbacks=[callback, Recorder()], **digits.trainer_kwargs(num_sanity_val_steps=2)
        )
        trainer.fit(digits.DigitsLightning(GOOD_LR), *digits.loaders())
        assert trainer.current_epoch == 3
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.COMPLETE
    assert [sanity for sanity, _ in logged] == [True, False, False, False]
    per_epoch = [value for sanity, value in logged if not sanity]
    assert [trial.intermediate_values[e] for e in sorted(trial.intermediate_values)] == pytest.approx(
        per_epoch
    )
    assert sorted(trial.intermediate_values) == [0, 1, 2]  # step = epoch; the sanity check reported nothing
    assert per_epoch[0] < logged[0][1]  # (the sanity check's value, before training, would differ)
    assert trial.value == pytest.approx(per_epoch[-1])
    assert "integration:pruned_step" not in trial.system_attrs


def test_pruned_trial_stops_training_and_ends_pruned_without_raising(storage, tmp_path):
    study = threshold_study(storage, warmup=1)
    returned = []

    def objective(trial):
        trainer, callback = fit(trial, BAD_LR, max_epochs=6, epoch_log=str(tmp_path / "epochs.log"))
        assert trainer.should_stop and callback.pruned
        returned.append(True)
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert returned == [True]  # the objective returned normally
    assert trial.state == TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0, 1]  # warm-up step 0, pruned at step 1
    assert trial.value == trial.intermediate_values[1]
    assert trial.system_attrs["integration:pruned_step"] == 1
    assert epochs_trained(tmp_path / "epochs.log") == [0, 1]  # training really stopped: 2 of 6 epochs ran


def test_study_mixes_completed_and_pruned_trials():
    study = threshold_study(warmup=0)
    for lr in (GOOD_LR, BAD_LR, GOOD_LR):
        study.enqueue_trial({"lr": lr})

    def objective(trial):
        trainer, _ = fit(trial, trial.suggest_float("lr", 1e-6, 1e-1, log=True), max_epochs=2)
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=3)
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.PRUNED, TrialState.COMPLETE]
    assert [len(t.intermediate_values) for t in study.trials] == [2, 1, 2]


@pytest.mark.parametrize("how", ["check_pruned", "should_prune"])
def test_objective_that_raises_trial_pruned_itself(how):
    study = threshold_study(warmup=0)

    def objective(trial):
        trainer, callback = fit(trial, BAD_LR, max_epochs=4)
        if how == "check_pruned":
            callback.check_pruned()
        elif trial.should_prune():  # the Optuna idiom, after the callback already reported
            raise hpint.TrialPruned()
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0]


def test_fixed_trial_trains_to_the_end():
    """Re-running the best parameters with a FixedTrial: nothing is stored and nothing is pruned."""
    trial = hpint.trial.FixedTrial({"lr": BAD_LR})
    trainer, callback = fit(trial, trial.suggest_float("lr", 1e-6, 1e-1, log=True), max_epochs=2)
    assert trainer.current_epoch == 2 and not trainer.should_stop and not callback.pruned


def test_validate_and_sanity_check_report_nothing():
    study = threshold_study()
    trial = study.ask()
    pl = importlib.import_module("lightning.pytorch")
    callback = PruningCallback(trial, monitor="val_loss")
    trainer = pl.Trainer(max_epochs=1, callbacks=[callback], **digits.trainer_kwargs())
    trainer.validate(digits.DigitsLightning(GOOD_LR), digits.loaders()[1], verbose=False)
    assert trial.storage.get_trial(trial._trial_id).intermediate_values == {}


def test_several_validations_per_epoch_report_the_first_and_warn():
    study = threshold_study()
    trial = study.ask()
    with pytest.warns(UserWarning, match="more than once in epoch 0"):
        fit(trial, GOOD_LR, max_epochs=2, val_check_interval=0.5)
    assert sorted(trial.storage.get_trial(trial._trial_id).intermediate_values) == [0, 1]


# ---- errors ----
def test_missing_monitor_names_the_logged_metrics():
    study = threshold_study()

    def objective(trial):
        fit(trial, GOOD_LR, max_epochs=2, callback=PruningCallback(trial, monitor="val_accuracy"))
        return 0.0

    with pytest.raises(ValueError, match="'val_accuracy'.*'val_acc', 'val_loss'"):
        study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.FAIL


@pytest.mark.parametrize("monitor", ["", None, 3])
def test_bad_monitor_argument(monitor):
    trial = threshold_study().ask()
    with pytest.raises(TypeError, match="monitor"):
        PruningCallback(trial, monitor=monitor)


# ---- both namespaces ----
def test_pytorch_lightning_trainer():
    pytest.importorskip("pytorch_lightning")
    study = threshold_study(warmup=0)

    def objective(trial):
        trainer, _ = fit(trial, BAD_LR, max_epochs=3, package="pytorch_lightning")
        assert trainer.should_stop
        return trainer.callback_metrics["val_loss"].item()

    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0]


def test_callback_made_with_only_one_namespace_imported(tmp_path):
    """In a fresh process that imports only ``pytorch_lightning``, the callback derives from that package
    alone and its Trainer accepts it (the tests above run with ``lightning`` imported first)."""
    pytest.importorskip("pytorch_lightning")
    script = tmp_path / "one_namespace.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys, warnings
            warnings.filterwarnings("ignore")
            sys.path.insert(0, {str(SCRIPTS)!r})
            import importlib, digits_model, hpint, torch
            torch.set_num_threads(1)
            from hpint.integrations.lightning import PruningCallback
            package, name = sys.argv[1], sys.argv[2]
            pl = importlib.import_module(package)
            hpint.logging.set_verbosity(hpint.logging.WARNING)
            study = hpint.create_study(pruner=hpint.pruners.ThresholdPruner(upper=2.0))
            def objective(trial):
                callback = PruningCallback(trial, monitor="val_loss")
                trainer = pl.Trainer(max_epochs=3, callbacks=[callback], **digits_model.trainer_kwargs())
                trainer.fit(getattr(digits_model, name)({BAD_LR}), *digits_model.loaders())
                print("bases", sorted({{b.__module__.split(".")[0] for b in type(callback).__mro__[1:-1]}}))
                return 0.0
            study.optimize(objective, n_trials=1)
            other = "pytorch_lightning" if package == "lightning.pytorch" else "lightning"
            print("state", study.trials[0].state.name, "other-loaded", other in sys.modules)
            """
        )
    )
    out = subprocess.run(
        [sys.executable, str(script), "pytorch_lightning", "DigitsPytorchLightning"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "bases ['hpint', 'pytorch_lightning']" in out.stdout
    assert "state PRUNED other-loaded False" in out.stdout


# ---- loggers and checkpoints ----
def test_log_hyperparams_reaches_the_logger(tmp_path):
    pl = importlib.import_module("lightning.pytorch")
    from lightning.pytorch.loggers import CSVLogger

    study = threshold_study()
    for flag in (True, False):
        trial = study.ask({"lr": hpint.distributions.FloatDistribution(1e-3, 1e-1, log=True)})
        logger = CSVLogger(str(tmp_path), name=f"flag_{flag}")
        callback = PruningCallback(trial, monitor="val_loss", log_hyperparams=flag)
        trainer = pl.Trainer(max_epochs=1, callbacks=[callback], **digits.trainer_kwargs(logger=logger))
        trainer.fit(digits.DigitsLightning(trial.params["lr"]), *digits.loaders())
        hparams = Path(logger.log_dir) / "hparams.yaml"
        text = hparams.read_text() if hparams.exists() else ""
        assert (f"lr: {trial.params['lr']}" in text) is flag
        study.tell(trial, trainer.callback_metrics["val_loss"].item())


def test_state_dict_is_checkpointed_and_resuming_does_not_report_twice(tmp_path):
    pl = importlib.import_module("lightning.pytorch")
    import torch

    study = threshold_study()
    trial = study.ask()
    checkpoint = pl.callbacks.ModelCheckpoint(dirpath=str(tmp_path), save_last=True)
    trainer = pl.Trainer(
        max_epochs=2,
        callbacks=[PruningCallback(trial, monitor="val_loss"), checkpoint],
        **digits.trainer_kwargs(enable_checkpointing=True),
    )
    trainer.fit(digits.DigitsLightning(GOOD_LR), *digits.loaders())
    saved = torch.load(tmp_path / "last.ckpt", weights_only=False)["callbacks"]
    state = saved["PruningCallback{'monitor': 'val_loss'}"]
    assert state == {"monitor": "val_loss", "last_epoch": 1, "pruned_epoch": None}

    resumed = pl.Trainer(
        max_epochs=4, callbacks=[PruningCallback(trial, monitor="val_loss")], **digits.trainer_kwargs()
    )
    resumed.fit(digits.DigitsLightning(GOOD_LR), *digits.loaders(), ckpt_path=str(tmp_path / "last.ckpt"))
    study.tell(trial, resumed.callback_metrics["val_loss"].item())
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3]


def test_import_does_not_load_lightning():
    code = (
        "import sys, hpint.integrations.lightning; print('lightning' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert out.stdout.split() == ["False", "False"], out.stderr


# ---- distributed rules, without starting processes (the real DDP runs are in test_lightning_ddp.py) ----
class _FakeTrainer:
    """What the distributed helpers read from a Trainer: ranks, and a broadcast that returns ``sent``."""

    def __init__(self, rank: int, world_size: int = 2, sent=None):
        self.global_rank = rank
        self.is_global_zero = rank == 0
        self.world_size = world_size
        self.strategy = self
        self.sent = sent

    def broadcast(self, obj, src=0):
        return obj if self.is_global_zero else self.sent


def test_spawned_worker_refuses_an_in_memory_storage(tmp_path):
    from hpint.integrations.lightning import _distributed

    trial = threshold_study().ask()
    problem = _distributed.setup_problem(_FakeTrainer(0), trial, _distributed.Role.WRITER, True, {})
    assert "in-memory storage" in problem and "sqlite" in problem
    on_disk = threshold_study(f"sqlite:///{tmp_path / 'ok.db'}").ask()
    assert _distributed.setup_problem(_FakeTrainer(1), on_disk, _distributed.Role.FOLLOWER, True, {}) is None


def test_ddp_rank_with_a_shared_storage_or_other_params_is_refused(tmp_path):
    from hpint.integrations.lightning import _distributed

    shared = threshold_study(f"sqlite:///{tmp_path / 'shared.db'}").ask()
    problem = _distributed.setup_problem(_FakeTrainer(1), shared, _distributed.Role.MIRROR, False, {})
    assert "once per rank" in problem
    mirror = threshold_study().ask({"lr": hpint.distributions.FloatDistribution(1e-3, 1e-1)})
    problem = _distributed.setup_problem(
        _FakeTrainer(1), mirror, _distributed.Role.MIRROR, False, {"lr": mirror.params["lr"] / 2}
    )
    assert "same hyperparameters" in problem


def test_an_error_on_rank_zero_reaches_the_other_ranks():
    from hpint.integrations.lightning import _distributed

    def fails():
        raise ValueError("monitor missing")

    with pytest.raises(ValueError, match="monitor missing"):  # rank 0 raises its own error
        _distributed.from_rank_zero(_FakeTrainer(0), fails)
    follower = _FakeTrainer(1, sent=(None, "ValueError: monitor missing"))
    with pytest.raises(RuntimeError, match="failed on rank 0.*monitor missing"):  # instead of waiting
        _distributed.from_rank_zero(follower, fails)
    assert _distributed.from_rank_zero(_FakeTrainer(1, sent=((0.5, True), None)), fails) == (0.5, True)
