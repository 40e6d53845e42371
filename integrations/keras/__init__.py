"""Pruning for Keras: :class:`PruningCallback` reports a metric from the epoch logs to a trial and stops
training the study's pruner rejects.

Importing this module does not import Keras; creating a callback imports the Keras the user works with
(Keras 3 on any backend, which is also ``tf.keras`` on TensorFlow >= 2.16, or the legacy ``tf_keras``):
``pip install "hpint[keras]"``.
"""

from hpint.integrations.keras._callback import PruningCallback

__all__ = ["PruningCallback"]
