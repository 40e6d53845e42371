"""Pruning for Lightning: :class:`PruningCallback` reports a validation metric to a trial every epoch and
stops training the study's pruner rejects.

Importing this module does not import Lightning; creating a callback imports the ``lightning`` or
``pytorch_lightning`` package the user works with (``pip install "hpint[lightning]"``).
"""

from hpint.integrations.lightning._callback import PruningCallback

__all__ = ["PruningCallback"]
