"""Optuna's ``PyTorchLightningPruningCallback``, as hpint's Lightning callback."""

from __future__ import annotations

from hpint.integrations.lightning import PruningCallback
from hpint.trial._base import BaseTrial


class PyTorchLightningPruningCallback(PruningCallback):
    """:class:`hpint.integrations.lightning.PruningCallback` with Optuna's signature (``monitor`` required).

    Works with Trainers of both ``lightning`` and ``pytorch_lightning``; ``check_pruned()`` raises
    ``TrialPruned`` after ``fit`` when the trial was pruned, as in Optuna.

    Args:
        trial: the trial of the running objective.
        monitor: the metric to report, as logged with ``self.log`` (e.g. ``"val_loss"``, ``"val_acc"``).
    """

    def __init__(self, trial: BaseTrial, monitor: str) -> None:
        super().__init__(trial, monitor)
