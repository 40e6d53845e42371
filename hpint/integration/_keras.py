"""Optuna's ``KerasPruningCallback`` and ``TFKerasPruningCallback``, as hpint's Keras callback."""

from __future__ import annotations

from hpint.integrations.keras import PruningCallback
from hpint.trial._base import BaseTrial


class KerasPruningCallback(PruningCallback):
    """:class:`hpint.integrations.keras.PruningCallback` with Optuna's signature (``monitor`` required).

    Args:
        trial: the trial of the running objective.
        monitor: the key of Keras' epoch logs to report, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        interval: report and ask the pruner every ``interval`` epochs only.
    """

    def __init__(self, trial: BaseTrial, monitor: str, interval: int = 1) -> None:
        super().__init__(trial, monitor, interval)


class TFKerasPruningCallback(PruningCallback):
    """:class:`hpint.integrations.keras.PruningCallback` with Optuna's ``tf.keras`` signature.

    ``tf.keras`` is Keras 3 on TensorFlow >= 2.16 (``tf_keras`` under ``TF_USE_LEGACY_KERAS=1``); the
    callback follows whichever Keras the model comes from.

    Args:
        trial: the trial of the running objective.
        monitor: the key of Keras' epoch logs to report, e.g. ``"val_loss"`` or ``"val_accuracy"``.
    """

    def __init__(self, trial: BaseTrial, monitor: str) -> None:
        super().__init__(trial, monitor)
