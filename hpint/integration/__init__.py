"""Optuna's integration names, so that scripts written for Optuna run with ``import hpint as optuna``.

>>> import hpint as optuna
>>> pruning = optuna.integration.KerasPruningCallback(trial, "val_accuracy")
>>> model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[pruning])

- ``PyTorchLightningPruningCallback(trial, monitor)``: :class:`hpint.integrations.lightning.PruningCallback`.
- ``KerasPruningCallback(trial, monitor, interval=1)`` and ``TFKerasPruningCallback(trial, monitor)``:
  :class:`hpint.integrations.keras.PruningCallback`.
- ``TensorBoardCallback(dirname, metric_name)``: :class:`hpint.integrations.tensorboard.TensorBoardCallback`.

Each name is loaded on first use, so importing this package imports no trainer framework. One difference
from Optuna: Optuna's Keras and Lightning callbacks raise ``TrialPruned`` inside ``fit``, ours stop training
gracefully (``fit`` returns) and the trial is still recorded as PRUNED when the objective returns, whatever
it returns. Code after ``fit`` therefore runs for pruned trials too; call the callback's ``check_pruned()``
after ``fit`` to leave the objective at once. A monitored metric missing from the logs is an error here,
where Optuna warns and skips the epoch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hpint.integration._keras import KerasPruningCallback, TFKerasPruningCallback
    from hpint.integration._lightning import PyTorchLightningPruningCallback
    from hpint.integration._tensorboard import TensorBoardCallback

_MODULES = {
    "KerasPruningCallback": "hpint.integration._keras",
    "PyTorchLightningPruningCallback": "hpint.integration._lightning",
    "TFKerasPruningCallback": "hpint.integration._keras",
    "TensorBoardCallback": "hpint.integration._tensorboard",
}

__all__ = [
    "KerasPruningCallback",
    "PyTorchLightningPruningCallback",
    "TFKerasPruningCallback",
    "TensorBoardCallback",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(
            f"module 'hpint.integration' has no attribute {name!r}; of Optuna's integration names hpint "
            f"provides {', '.join(__all__)} (its own integrations are in hpint.integrations)."
        )
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
