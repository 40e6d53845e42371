"""The Keras pruning callback with real Keras, on scikit-learn's digits.

This process trains on its own backend (torch, unless KERAS_BACKEND says otherwise). The backend is fixed
when Keras is imported, and so is whether ``tf.keras`` is Keras 3 or the legacy Keras 2 (``tf_keras``,
``TF_USE_LEGACY_KERAS=1``), so the other backends and legacy ``tf.keras`` run in subprocesses started
together: ``_keras_scripts/keras_scenario.py``, which prints what it saw as JSON for the tests here to check.
A backend or package that is not installed skips its tests and says what to install.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

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

SCRIPT = Path(__file__).parent / "_keras_scripts" / "keras_scenario.py"


def _load_scenario_module() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("keras_scenario", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scenarios = _load_scenario_module()
EPOCHS, PruneFrom, fit, make_model, run_study = (
    scenarios.EPOCHS, scenarios.PruneFrom, scenarios.fit, scenarios.make_model, scenarios.run_study
)  # fmt: skip

BACKEND = keras.backend.backend()
OTHER_BACKENDS = [b for b in ("torch", "tensorflow", "jax") if b != BACKEND]
_INSTALL = {
    "torch": 'pip install "torch==2.13.0"',
    "tensorflow": 'pip install "hpint[tensorflow]"',
    "jax": 'pip install "hpint[jax]"',
    # tf_keras requires the package "tensorflow", which would install over tensorflow-cpu's files.
    "tf_keras": 'pip install --no-deps "tf_keras==<major.minor of your TensorFlow>.*"',
}


def _missing(*modules: str) -> str | None:
    """A skip reason naming the first of ``modules`` that is not installed and how to install it."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed ({_INSTALL[module]})"
    return None


def check_scenario(result: dict, package: str = "keras") -> None:
    """Check the facts `keras_scenario.scenario` gathered on a namespace whose models come from `package`."""
    if "error" in result:
        pytest.fail(f"the scenario raised:\n{result['error']}")
    pruned, complete = result["pruned"], result["complete"]
    assert pruned["state"] == "PRUNED" and pruned["pruned_step"] == 1
    assert pruned["epochs_run"] == [0, 1]  # EPOCHS were asked: training really stopped
    assert pruned["steps"] == [0, 1] and pruned["values"] == pytest.approx(pruned["history"])
    assert complete["state"] == "COMPLETE" and complete["pruned_step"] is None
    assert complete["epochs_run"] == [0, 1, 2] == complete["steps"]
    assert complete["values"] == pytest.approx(complete["history"])
    for facts in (pruned, complete):
        assert facts["keras_callback"] and facts["hpint_callback"]
        assert facts["model_package"] == facts["callback_package"] == package


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
    check_scenario(scenarios.scenario(keras))


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


@pytest.mark.parametrize(("value", "package"), [("1", "tf_keras"), ("True", "tf_keras"), ("yes", "keras")])
def test_new_callbacks_prefer_the_package_tf_keras_stands_for(monkeypatch, value, package):
    """With both packages imported, a callback starts from the one TensorFlow routes ``tf.keras`` to, which
    it does for TF_USE_LEGACY_KERAS spelled "1", "true" or "True" only."""
    monkeypatch.setitem(sys.modules, "tf_keras", types.ModuleType("tf_keras"))
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", value)
    assert _namespace.package_for_new_callback() == package


# ---- the other backends, tf.keras and tf_keras, in subprocesses started with the module ----
def _wanted_runs() -> dict[str, tuple[dict[str, str], list[str]] | str]:
    """Each subprocess run by name: (environment, Keras namespaces to run), or why it cannot run.

    The TensorFlow run also covers ``tf.keras`` (Keras 3) and ``tf_keras`` imported beside Keras 3;
    "legacy" is TensorFlow with ``TF_USE_LEGACY_KERAS=1``, where ``tf.keras`` is ``tf_keras``.
    """
    runs: dict[str, tuple[dict[str, str], list[str]] | str] = {}
    for backend in OTHER_BACKENDS:
        env, names = {"KERAS_BACKEND": backend}, ["keras"]
        if backend == "tensorflow":
            names += ["tf.keras"] + ([] if _missing("tf_keras") else ["tf_keras"])
        if backend == "jax":  # XLA's code optimisation costs more than it saves on models this small
            env["XLA_FLAGS"] = "--xla_backend_optimization_level=0"
        runs[backend] = _missing(backend) or (env, names)
    legacy_env = {"KERAS_BACKEND": "tensorflow", "TF_USE_LEGACY_KERAS": "1"}
    runs["legacy"] = _missing("tensorflow", "tf_keras") or (legacy_env, ["tf.keras"])
    return runs


@pytest.fixture(scope="module", autouse=True)
def _runs_started(request, tmp_path_factory) -> Iterator[dict[str, tuple[subprocess.Popen, Path] | str]]:
    """Start the subprocess runs as this module starts, if a selected test needs them, so that they train
    while this process runs its own tests; end any still running when the module ends."""
    if not any("subprocess_runs" in item.fixturenames for item in request.session.items):
        yield {}
        return
    one_thread = {k: "1" for k in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    base_env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "TF_USE_LEGACY_KERAS")}
    directory = tmp_path_factory.mktemp("keras_runs")
    started: dict[str, tuple[subprocess.Popen, Path] | str] = {}
    try:
        for name, run in _wanted_runs().items():
            if isinstance(run, str):
                started[name] = run
                continue
            run_env, namespaces = run
            env = {**base_env, **one_thread, **run_env, "TF_CPP_MIN_LOG_LEVEL": "3"}
            command = [sys.executable, str(SCRIPT), *namespaces]
            output = directory / name  # files, not pipes: nobody reads a pipe until the run is collected
            with open(f"{output}.out", "w") as out, open(f"{output}.err", "w") as err:
                process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
            started[name] = (process, output)
        yield started
    finally:
        for run in started.values():
            if not isinstance(run, str) and run[0].poll() is None:
                run[0].kill()
                run[0].wait()


@pytest.fixture(scope="module")
def subprocess_runs(_runs_started) -> dict[str, dict | str]:
    """Every run's JSON facts, or the reason it cannot run."""
    results: dict[str, dict | str] = {}
    for name, run in _runs_started.items():
        if isinstance(run, str):
            results[name] = run
            continue
        process, output = run
        returncode = process.wait(timeout=240)
        stderr = Path(f"{output}.err").read_text()
        assert returncode == 0, f"the {name} run failed:\n{stderr[-3000:]}"
        results[name] = json.loads(Path(f"{output}.out").read_text().strip().splitlines()[-1])
    return results


def _run(runs: dict[str, dict | str], name: str) -> dict:
    if isinstance(runs[name], str):
        pytest.skip(runs[name])
    return runs[name]


def _tensorflow_facts(runs: dict[str, dict | str], namespace: str) -> dict:
    """The scenario's facts on ``tf.keras`` or ``tf_keras`` under Keras 3: from this process on TensorFlow."""
    reason = _missing("tensorflow", *(["tf_keras"] if namespace == "tf_keras" else []))
    if reason:
        pytest.skip(reason)
    if BACKEND == "tensorflow":
        return scenarios.namespace_scenario(namespace)
    return _run(runs, "tensorflow")[namespace]


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_prunes_and_completes_on_the_other_backends(subprocess_runs, backend):
    facts = _run(subprocess_runs, backend)["keras"]
    check_scenario(facts)
    assert facts["pruned"]["backend"] == backend


def test_tf_keras_with_the_optuna_alias(subprocess_runs):
    """``tf.keras`` (Keras 3 on TensorFlow >= 2.16) with Optuna's ``TFKerasPruningCallback`` name."""
    check_scenario(_tensorflow_facts(subprocess_runs, "tf.keras"))


def test_keras_2_beside_keras_3(subprocess_runs):
    """A ``tf_keras`` model in a process that imported Keras 3: the callback, made from Keras 3 before it
    met the model, is re-made from ``tf_keras`` when Keras hands it the model."""
    facts = _tensorflow_facts(subprocess_runs, "tf_keras")
    check_scenario(facts, package="tf_keras")
    assert facts["pruned"]["created_from"] == "keras"


def test_legacy_tf_keras(subprocess_runs):
    """``TF_USE_LEGACY_KERAS=1``: ``tf.keras`` is Keras 2; the callback derives from ``tf_keras`` from the
    start, and Keras 3 is never imported."""
    run = _run(subprocess_runs, "legacy")
    check_scenario(run["tf.keras"], package="tf_keras")
    assert run["tf.keras"]["pruned"]["created_from"] == "tf_keras"
    assert run["tf.keras"]["pruned"]["backend"] == "tensorflow"
    assert run["keras_3_imported"] is False


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
