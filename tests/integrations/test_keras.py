"""The Keras pruning callback with real Keras, on scikit-learn's digits.

This process trains on its own backend (torch, unless KERAS_BACKEND says otherwise). KERAS_BACKEND is fixed
when Keras is imported, so the other backend (TensorFlow, or torch) and ``tf.keras`` run in one
subprocess: this file run as a script, which prints what it saw as JSON for the tests here to check.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import types
from importlib.util import find_spec

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
pytest.importorskip("sklearn")

import hpint  # noqa: E402
from hpint.integrations._common import PRUNED_STEP_KEY  # noqa: E402
from hpint.integrations.keras import PruningCallback, _namespace  # noqa: E402

hpint.logging.set_verbosity(hpint.logging.WARNING)
# Keras' torch backend converts tensors with np.array(x, copy=False) semantics NumPy 2 warns about.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

EPOCHS = 6
BACKEND = keras.backend.backend()
OTHER_BACKEND = "torch" if BACKEND == "tensorflow" else "tensorflow"
_TF_MODULE = {"tensorflow": "tensorflow", "torch": "torch", "jax": "jax"}


class PruneFrom(hpint.pruners.BasePruner):
    """Prunes a trial once it has reported a step >= ``step``: a decision the tests know in advance."""

    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study, trial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.step


@functools.cache
def digits():
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return (x[:1000], y[:1000]), (x[1000:1400], y[1000:1400])


def make_model(ns, lr: float = 1e-2):
    """A one-hidden-layer MLP from the Keras namespace ``ns`` (``keras`` or ``tf.keras``)."""
    ns.utils.set_random_seed(0)
    model = ns.Sequential(
        [ns.Input((64,)), ns.layers.Dense(16, activation="relu"), ns.layers.Dense(10, activation="softmax")]
    )
    model.compile(
        optimizer=ns.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def fit(model, callbacks, epochs: int = EPOCHS, validation: bool = True):
    (x, y), val = digits()
    return model.fit(
        x, y, validation_data=val if validation else None, epochs=epochs, batch_size=128, verbose=0,
        callbacks=callbacks,
    )  # fmt: skip


def run_study(ns, pruner, lrs, *, make_callback=PruningCallback, epochs=EPOCHS, storage=None, **kwargs):
    """One trial per learning rate in ``lrs``; returns the study and each trial's (History, callback)."""
    runs = []

    def objective(trial):
        callback = make_callback(trial, "val_accuracy", **kwargs)
        history = fit(make_model(ns, trial.suggest_float("lr", 1e-5, 1e-1, log=True)), [callback], epochs)
        runs.append((history, callback))
        return history.history["val_accuracy"][-1]

    study = hpint.create_study(direction="maximize", pruner=pruner, storage=storage)
    for lr in lrs:
        study.enqueue_trial({"lr": lr})
    study.optimize(objective, n_trials=len(lrs))
    return study, runs


def scenario(ns, make_callback=PruningCallback) -> dict:
    """A trial pruned after epoch 1 and an unpruned one on namespace ``ns``, as JSON-able facts."""

    def facts(study, runs):
        trial, (history, callback) = study.trials[0], runs[0]
        steps = sorted(trial.intermediate_values)
        return {
            "state": trial.state.name,
            "steps": steps,
            "values": [trial.intermediate_values[s] for s in steps],
            "history": history.history["val_accuracy"],
            "epochs_run": history.epoch,
            "pruned_step": trial.system_attrs.get(PRUNED_STEP_KEY),
            "keras_callback": isinstance(callback, ns.callbacks.Callback),
            "hpint_callback": isinstance(callback, PruningCallback),
        }

    pruned = run_study(ns, PruneFrom(1), [1e-2], make_callback=make_callback)
    complete = run_study(ns, hpint.pruners.NopPruner(), [1e-2], make_callback=make_callback, epochs=3)
    return {"pruned": facts(*pruned), "complete": facts(*complete)}


def check_scenario(result: dict) -> None:
    pruned, complete = result["pruned"], result["complete"]
    assert pruned["state"] == "PRUNED" and pruned["pruned_step"] == 1
    assert pruned["epochs_run"] == [0, 1]  # EPOCHS were asked: training really stopped
    assert pruned["steps"] == [0, 1] and pruned["values"] == pytest.approx(pruned["history"])
    assert complete["state"] == "COMPLETE" and complete["pruned_step"] is None
    assert complete["epochs_run"] == [0, 1, 2] == complete["steps"]
    assert complete["values"] == pytest.approx(complete["history"])
    assert pruned["keras_callback"] and pruned["hpint_callback"]


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """Tiny models train ~10x faster with one thread on 2 shared cores (no thread oversubscription)."""
    if BACKEND != "torch":
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# ---- the backend of this process ----
def test_prunes_and_completes_on_this_backend():
    check_scenario(scenario(keras))


def test_importing_the_module_does_not_import_keras():
    code = "import sys, hpint.integrations.keras; assert 'keras' not in sys.modules, 'keras imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_values_state_and_cut_point_are_stored(storage_url):
    study, [(history, callback)] = run_study(keras, PruneFrom(2), [1e-2], storage=storage_url)
    if storage_url is not None:  # read back what the database holds
        study = hpint.load_study(study_name=study.study_name, storage=storage_url)
    trial = study.trials[0]
    assert trial.state == hpint.TrialState.PRUNED
    assert history.epoch == [0, 1, 2] and callback.pruned_epoch == 2
    assert trial.intermediate_values == pytest.approx(dict(enumerate(history.history["val_accuracy"])))
    assert trial.system_attrs[PRUNED_STEP_KEY] == 2
    assert trial.value == pytest.approx(history.history["val_accuracy"][2])  # the last reported value


def test_interval_reports_every_nth_epoch():
    study, [(history, _)] = run_study(keras, hpint.pruners.NopPruner(), [1e-2], epochs=5, interval=2)
    assert sorted(study.trials[0].intermediate_values) == [1, 3]
    assert study.trials[0].intermediate_values[3] == pytest.approx(history.history["val_accuracy"][3])
    study, [(history, callback)] = run_study(keras, PruneFrom(0), [1e-2], interval=3)
    assert history.epoch == [0, 1, 2] and callback.pruned_epoch == 2
    assert study.trials[0].state == hpint.TrialState.PRUNED


def test_median_pruner_stops_a_hopeless_trial():
    pruner = hpint.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=1)
    study, runs = run_study(keras, pruner, [3e-2, 1e-5])
    good, bad = study.trials
    assert good.state == hpint.TrialState.COMPLETE and runs[0][0].epoch == list(range(EPOCHS))
    assert bad.state == hpint.TrialState.PRUNED and runs[1][0].epoch == [0, 1]
    assert bad.intermediate_values[1] < good.intermediate_values[1]


def test_missing_monitor_names_the_logged_keys():
    study = hpint.create_study()
    with pytest.raises(ValueError, match=r"'val_acc' was not logged.*'val_accuracy'.*'val_loss'"):
        study.optimize(lambda t: fit(make_model(keras), [PruningCallback(t, "val_acc")]), n_trials=1)
    with pytest.raises(ValueError, match=r"'val_loss' was not logged.*'accuracy', 'loss'.*validation_data"):
        study.optimize(lambda t: fit(make_model(keras), [PruningCallback(t)], validation=False), n_trials=1)
    assert [t.state for t in study.trials] == [hpint.TrialState.FAIL] * 2


def test_objectives_that_raise_trial_pruned_still_work():
    def raise_after_fit(trial):  # Optuna-style: ask again after fit
        fit(make_model(keras), [PruningCallback(trial, "val_accuracy")])
        if trial.should_prune():
            raise hpint.TrialPruned()
        return 1.0

    def check_pruned(trial):
        callback = PruningCallback(trial, "val_accuracy")
        fit(make_model(keras), [callback])
        callback.check_pruned()
        return 1.0

    class RaisingCallback(keras.callbacks.Callback):  # old-style callbacks raise inside fit
        def __init__(self, trial):
            super().__init__()
            self.trial = trial

        def on_epoch_end(self, epoch, logs=None):
            self.trial.report(logs["val_accuracy"], epoch)
            if self.trial.should_prune():
                raise hpint.TrialPruned()

    study = hpint.create_study(pruner=PruneFrom(1))
    study.optimize(raise_after_fit, n_trials=1)
    study.optimize(check_pruned, n_trials=1)
    study.optimize(lambda trial: fit(make_model(keras), [RaisingCallback(trial)]) and 1.0, n_trials=1)
    assert [t.state for t in study.trials] == [hpint.TrialState.PRUNED] * 3
    assert [sorted(t.intermediate_values) for t in study.trials] == [[0, 1]] * 3


def test_check_pruned_is_silent_for_an_unpruned_trial():
    study = hpint.create_study()
    callback = PruningCallback(study.ask(), "val_accuracy")
    fit(make_model(keras), [callback], epochs=2)
    callback.check_pruned()
    assert callback.pruned_epoch is None and sorted(study.trials[0].intermediate_values) == [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"monitor": ""}, TypeError, "`monitor` must be"),
        ({"monitor": 3}, TypeError, "`monitor` must be"),
        ({"interval": 0}, ValueError, "`interval` must be a positive integer.*0"),
        ({"interval": True}, ValueError, "`interval` must be a positive integer.*True"),
        ({"interval": 1.5}, ValueError, "`interval` must be a positive integer.*1.5"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        PruningCallback(hpint.create_study().ask(), **kwargs)


def test_a_study_is_not_a_trial():
    with pytest.raises(TypeError, match="`trial` must be the trial given to the objective, not Study"):
        PruningCallback(hpint.create_study(), "val_loss")


def test_callback_class_follows_the_models_keras(monkeypatch):
    """A model of another Keras package (here a stand-in ``tf_keras``) gets a callback of that package."""

    class ForeignCallback:
        def __init__(self):
            self.model = None
            self.foreign_init = True

        def set_model(self, model):
            self.model = model

    fake = types.ModuleType("tf_keras")
    fake.callbacks = types.SimpleNamespace(Callback=ForeignCallback)
    monkeypatch.setitem(sys.modules, "tf_keras", fake)
    monkeypatch.setattr(_namespace, "_classes", {})  # forget the classes made from the stand-in afterwards
    model = type("Sequential", (), {"__module__": "tf_keras.src.engine.sequential", "stop_training": False})()

    study = hpint.create_study(pruner=PruneFrom(0))
    callback = PruningCallback(study.ask(), "val_loss")
    assert isinstance(callback, keras.callbacks.Callback)  # before it meets a model: the imported Keras
    callback.set_model(model)
    assert isinstance(callback, ForeignCallback) and not isinstance(callback, keras.callbacks.Callback)
    assert isinstance(callback, PruningCallback) and type(callback).__name__ == "PruningCallback"
    assert callback.foreign_init and callback.model is model and callback.monitor == "val_loss"
    callback.on_epoch_end(0, {"val_loss": 0.5})
    assert model.stop_training is True and study.trials[0].intermediate_values == {0: 0.5}


def test_model_package_reads_the_class_hierarchy():
    class UserModel(keras.Model):
        pass

    assert _namespace.model_package(UserModel()) == "keras"
    assert _namespace.model_package(object()) is None


# ---- the other backend and tf.keras, in one subprocess ----
@pytest.fixture(scope="module")
def other_process() -> dict:
    if find_spec(_TF_MODULE[OTHER_BACKEND]) is None:
        pytest.skip(f"the {OTHER_BACKEND} backend is not installed")
    threads = {k: "1" for k in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    env = {**os.environ, **threads, "KERAS_BACKEND": OTHER_BACKEND, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, __file__], env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_prunes_and_completes_on_the_other_backend(other_process):
    assert other_process["backend"] == OTHER_BACKEND
    check_scenario(other_process["keras"])


def test_tf_keras_with_the_optuna_alias(other_process):
    """``tf.keras`` (Keras 3 on TensorFlow >= 2.16) with Optuna's ``TFKerasPruningCallback`` name."""
    if BACKEND == "tensorflow":
        check_scenario(_tf_keras_scenario())
    else:
        check_scenario(other_process["tf.keras"])


def _tf_keras_scenario() -> dict:
    import tensorflow as tf

    from hpint.integration import TFKerasPruningCallback

    return scenario(tf.keras, TFKerasPruningCallback)


def _main() -> None:
    """Run the scenario of this process's backend (and tf.keras on TensorFlow); print the facts as JSON."""
    result = {"backend": BACKEND, "keras": scenario(keras)}
    if BACKEND == "tensorflow":
        result["tf.keras"] = _tf_keras_scenario()
    print(json.dumps(result))


if __name__ == "__main__":
    _main()


# ---- with the TensorBoard exporter: per-epoch values appear while the model trains ----
def test_tensorboard_session_grows_while_keras_trains(tmp_path):
    pytest.importorskip("tensorboard")
    from hpint.integrations.tensorboard import TensorBoardCallback, _events, trial_session_dir

    def running_curve(number: int) -> list[tuple[int, float]]:
        """The intermediate-value events in the trial's RUNNING session files, as (step, value)."""
        directory = os.path.join(trial_session_dir(tmp_path, number), "running")
        curve = []
        for name in sorted(os.listdir(directory)):
            for event in _events.read_events(os.path.join(directory, name)):
                curve += [(event.step, v.tensor.float_val[0]) for v in event.summary.value
                          if v.tag == "intermediate/val_accuracy"]  # fmt: skip
        return curve

    seen: dict[int, list] = {}

    def objective(trial):
        callback = PruningCallback(trial, "val_accuracy")
        # Runs after the pruning callback at each epoch end: the value it reported must already be on disk.
        peek = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: seen.setdefault(epoch, running_curve(trial.number))
        )
        history = fit(make_model(keras, trial.suggest_float("lr", 1e-3, 1e-1, log=True)), [callback, peek], 3)
        return history.history["val_accuracy"][-1]

    study = hpint.create_study(direction="maximize")
    study.set_metric_names(["val_accuracy"])
    study.optimize(objective, n_trials=1, callbacks=[TensorBoardCallback(tmp_path)])
    values = study.trials[0].intermediate_values
    assert [[step for step, _ in seen[epoch]] for epoch in range(3)] == [[0], [0, 1], [0, 1, 2]]
    assert [v for _, v in seen[2]] == pytest.approx([values[s] for s in range(3)], rel=1e-6)
    assert not os.path.exists(os.path.join(trial_session_dir(tmp_path, 0), "running"))  # finished session
