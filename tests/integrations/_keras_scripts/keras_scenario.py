"""A small Keras MLP on scikit-learn's digits and the pruning scenario every Keras backend and package passes.

Shared by ``test_keras.py`` (which loads this file) and its subprocesses, which run it as a script:

    python keras_scenario.py NAMESPACE [NAMESPACE ...]     (NAMESPACE: keras, tf.keras or tf_keras)

The script runs :func:`scenario` on each namespace and prints one JSON line, ``{NAMESPACE: facts, ...}``
(``{"error": traceback}`` for a namespace that raised), for the tests to check. The Keras backend
(``KERAS_BACKEND``) and whether ``tf.keras`` is Keras 2 (``TF_USE_LEGACY_KERAS=1``) are fixed when Keras
is imported, so they come from the environment the test starts the script with.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import traceback
from types import ModuleType
from typing import Any

import hpint
from hpint.integrations._common import PRUNED_STEP_KEY
from hpint.integrations.keras import PruningCallback

EPOCHS = 6
# 1,000 training images in 10 full batches and 400 validation images in one: every step sees one input
# shape, so JAX compiles each step function once per model (a partial last batch costs a second compile).
BATCH_SIZE = 100


class PruneFrom(hpint.pruners.BasePruner):
    """Prunes a trial once it has reported a step >= ``step``: a decision the tests know in advance."""

    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study: hpint.Study, trial: hpint.trial.FrozenTrial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.step


@functools.cache
def digits() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(x, y) for training (1,000 images) and validation (400), pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return (x[:1000], y[:1000]), (x[1000:1400], y[1000:1400])


def make_model(ns: ModuleType, lr: float = 1e-2) -> Any:
    """A one-hidden-layer MLP from the Keras namespace ``ns`` (``keras``, ``tf.keras`` or ``tf_keras``)."""
    ns.utils.set_random_seed(0)
    model = ns.Sequential(
        [ns.Input((64,)), ns.layers.Dense(16, activation="relu"), ns.layers.Dense(10, activation="softmax")]
    )
    model.compile(
        optimizer=ns.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def fit(model: Any, callbacks: list, epochs: int = EPOCHS, validation: bool = True) -> Any:
    """``model.fit`` on the digits; returns the ``History``."""
    (x, y), val = digits()
    return model.fit(
        x, y, validation_data=val if validation else None, epochs=epochs, batch_size=BATCH_SIZE,
        validation_batch_size=len(val[1]), verbose=0, callbacks=callbacks,
    )  # fmt: skip


def run_study(
    ns: ModuleType,
    pruner: hpint.pruners.BasePruner,
    lrs: list[float],
    *,
    make_callback: type = PruningCallback,
    epochs: int = EPOCHS,
    storage: str | None = None,
    **kwargs: Any,
) -> tuple[hpint.Study, list[tuple[Any, Any]]]:
    """One trial per learning rate in ``lrs``; returns the study and each trial's (History, callback)."""
    runs = []

    def objective(trial: hpint.Trial) -> float:
        callback = make_callback(trial, "val_accuracy", **kwargs)
        callback.created_from = type(callback)._package  # before fit hands it the model
        history = fit(make_model(ns, trial.suggest_float("lr", 1e-5, 1e-1, log=True)), [callback], epochs)
        runs.append((history, callback))
        return history.history["val_accuracy"][-1]

    study = hpint.create_study(direction="maximize", pruner=pruner, storage=storage)
    for lr in lrs:
        study.enqueue_trial({"lr": lr})
    study.optimize(objective, n_trials=len(lrs))
    return study, runs


def scenario(ns: ModuleType, make_callback: type = PruningCallback) -> dict[str, Any]:
    """A trial pruned after epoch 1 and an unpruned one on namespace ``ns``, as JSON-able facts."""

    def facts(study: hpint.Study, runs: list[tuple[Any, Any]]) -> dict[str, Any]:
        trial, (history, callback) = study.trials[0], runs[0]
        steps = sorted(trial.intermediate_values)
        return {
            "state": trial.state.name,
            "steps": steps,
            "values": [trial.intermediate_values[s] for s in steps],
            "history": [float(v) for v in history.history["val_accuracy"]],
            "epochs_run": history.epoch,
            "pruned_step": trial.system_attrs.get(PRUNED_STEP_KEY),
            "keras_callback": isinstance(callback, ns.callbacks.Callback),
            "hpint_callback": isinstance(callback, PruningCallback),
            "backend": ns.backend.backend(),
            "model_package": type(history.model).__module__.split(".")[0],
            "callback_package": type(callback)._package,
            "created_from": callback.created_from,
        }

    pruned = run_study(ns, PruneFrom(1), [1e-2], make_callback=make_callback)
    complete = run_study(ns, hpint.pruners.NopPruner(), [1e-2], make_callback=make_callback, epochs=3)
    return {"pruned": facts(*pruned), "complete": facts(*complete)}


def namespace_scenario(name: str) -> dict[str, Any]:
    """:func:`scenario` on the namespace called ``name``; ``tf.keras`` with Optuna's callback name."""
    if name == "tf.keras":
        import tensorflow as tf

        from hpint.integration import TFKerasPruningCallback

        return scenario(tf.keras, TFKerasPruningCallback)
    return scenario(importlib.import_module(name))


def main(names: list[str]) -> None:
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    if os.environ.get("KERAS_BACKEND") == "torch":
        import torch

        torch.set_num_threads(1)  # see test_keras.py: tiny models, 2 shared cores
    result: dict[str, Any] = {}
    for name in names:  # one namespace failing must not hide what the others did
        try:
            result[name] = namespace_scenario(name)
        except Exception:  # noqa: BLE001 - handed to the test, which fails with it
            result[name] = {"error": traceback.format_exc()}
    # Whether Keras 3 was imported: under TF_USE_LEGACY_KERAS=1 a tf.keras user may never import it.
    result["keras_3_imported"] = "keras" in sys.modules
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
