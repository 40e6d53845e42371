"""Optuna's ``TensorBoardCallback``, as hpint's TensorBoard HParams writer."""

from __future__ import annotations

import os

from hpint.integrations.tensorboard import TensorBoardCallback as _HpintTensorBoardCallback


class TensorBoardCallback(_HpintTensorBoardCallback):
    """:class:`hpint.integrations.tensorboard.TensorBoardCallback` with Optuna's signature.

    Args:
        dirname: the directory given to ``tensorboard --logdir``.
        metric_name: the name of the objective's metric column.
    """

    def __init__(self, dirname: str | os.PathLike[str], metric_name: str) -> None:
        super().__init__(dirname, metric_name)
