"""Tune a Keras MLP on scikit-learn's digits, stopping unpromising trials early with Hyperband.

Run:  python examples/keras_digits.py [--storage sqlite:///keras_digits.db] [--n-trials 30] [--epochs 20]

Every trial trains an MLP for up to ``--epochs`` epochs; ``PruningCallback`` reports the validation
accuracy after each epoch and, when the Hyperband pruner says so, stops ``fit`` (the trial is recorded as
PRUNED). The sampler is the default (TPE). The study is stored in SQLite, so running the script again
resumes it (load_if_exists=True), and copies started at once in several terminals share the work.

Any Keras 3 backend works; this script uses PyTorch unless KERAS_BACKEND is set
(``KERAS_BACKEND=tensorflow python examples/keras_digits.py``, or ``jax``). Models this small spend more
time in the framework than in arithmetic, so the settings below keep each backend's fixed costs per model
and per epoch down: on our 2-core machine they took the TensorFlow study from 74 s of CPU time to 33 s and
JAX from 162 s to 90 s; PyTorch, the fastest here, stayed at about 25 s.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported: the backend is fixed then
if os.environ["KERAS_BACKEND"] == "jax":
    # JAX compiles every trial's new model with XLA, whose code optimisation costs more than it saves on
    # models this small (it halved the compile-bound CPU time here). Read when JAX is imported.
    os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import hpint  # noqa: E402
from hpint.integrations.keras import PruningCallback  # noqa: E402

Arrays = tuple[np.ndarray, np.ndarray]  # features, labels


def prepare_backend() -> None:
    """Use one thread: models this small train several times faster than on threads fighting for 2 cores.

    On TensorFlow also skip Grappler's graph optimisation, which costs more than it saves on graphs this
    small and runs again for every trial's new model.
    """
    if keras.backend.backend() == "torch":
        import torch

        torch.set_num_threads(1)
    elif keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})


def fit_data(train: Arrays, val: Arrays, batch_size: int) -> dict[str, Any]:
    """The training and validation data as ``fit`` keyword arguments, in the form this backend reads fastest.

    Validation runs as one batch: one step per epoch, and on JAX one compiled shape fewer per model. On
    TensorFlow, NumPy arrays are turned into a new ``tf.data`` pipeline for every ``fit``, whose per-epoch
    cost was about twice the training itself here; datasets made once serve every trial.
    """
    n_train, n_val = len(train[1]), len(val[1])
    if keras.backend.backend() != "tensorflow":
        return {
            "x": train[0], "y": train[1], "batch_size": batch_size,
            "validation_data": val, "validation_batch_size": n_val,
        }  # fmt: skip
    import tensorflow as tf

    return {
        "x": tf.data.Dataset.from_tensor_slices(train).shuffle(n_train).batch(batch_size),
        "validation_data": tf.data.Dataset.from_tensor_slices(val).batch(n_val),
        "shuffle": False,  # the dataset reshuffles every epoch itself; fit's own shuffle is for arrays only
    }


def make_model(trial: hpint.Trial) -> keras.Model:
    layers: list[keras.layers.Layer] = [keras.Input((64,))]
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    for i in range(trial.suggest_int("n_layers", 1, 3)):
        units = trial.suggest_int(f"units_{i}", 16, 256, log=True)
        layers.append(keras.layers.Dense(units, activation="relu"))
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(trial.suggest_float("lr", 1e-5, 1e-1, log=True)),
        loss="sparse_categorical_crossentropy",
        # A metric object and a built optimizer: TensorFlow would otherwise create their variables while
        # tracing the first training step, and then trace it a second time.
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    model.optimizer.build(model.trainable_variables)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="sqlite:///keras_digits.db")
    parser.add_argument("--study-name", default="keras-digits")
    parser.add_argument("--n-trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    prepare_backend()
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(
        (x / 16.0).astype("float32"), y, test_size=0.25, random_state=0, stratify=y
    )
    data = fit_data((x_train, y_train), (x_val, y_val), batch_size=128)

    def objective(trial: hpint.Trial) -> float:
        history = make_model(trial).fit(
            **data, epochs=args.epochs, verbose=0, callbacks=[PruningCallback(trial, monitor="val_accuracy")]
        )
        trial.set_user_attr("epochs_trained", len(history.epoch))
        return history.history["val_accuracy"][-1]

    pruner = hpint.pruners.HyperbandPruner(min_resource=2, max_resource=args.epochs, reduction_factor=3)
    study = hpint.create_study(
        storage=args.storage, study_name=args.study_name, direction="maximize", pruner=pruner,
        load_if_exists=True,
    )  # fmt: skip
    start = time.perf_counter()
    study.optimize(objective, n_trials=args.n_trials)
    elapsed = time.perf_counter() - start

    trials = study.trials
    pruned = [t for t in trials if t.state == hpint.TrialState.PRUNED]
    complete = [t for t in trials if t.state == hpint.TrialState.COMPLETE]
    epochs = sum(t.user_attrs.get("epochs_trained", 0) for t in trials)
    backend = keras.backend.backend()
    print(f"{args.n_trials} trials in {elapsed:.1f}s ({backend} backend); the study holds {len(trials)}")
    print(f"pruned: {len(pruned)}, complete: {len(complete)}")
    print(f"epochs trained: {epochs} of the {len(trials) * args.epochs} asked")
    print(f"best validation accuracy: {study.best_value:.4f} (trial {study.best_trial.number})")
    print(f"best parameters: {study.best_params}")


if __name__ == "__main__":
    main()
