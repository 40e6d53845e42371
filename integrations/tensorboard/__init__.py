"""TensorBoard HParams dashboard for hpint studies, written with the ``tensorboard`` package only.

- :class:`TensorBoardCallback`: each trial becomes a session while it runs (``study.optimize`` callback);
  Optuna's ``TensorBoardCallback(dirname, metric_name)`` arguments work positionally.
- :func:`export_study`: rebuild the view of a stored study (also ``hpint tensorboard export``).
- :func:`trial_session_dir`: a trial's session directory, for Keras' or Lightning's own TensorBoard logs.

TensorFlow is never imported: the protocol buffers and record framing come from ``tensorboard`` alone.
"""

try:
    import tensorboard  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        'hpint.integrations.tensorboard needs the tensorboard package: pip install "hpint[tensorboard]"'
    ) from e

from hpint.integrations.tensorboard._callback import TensorBoardCallback
from hpint.integrations.tensorboard._export import export_study
from hpint.integrations.tensorboard._layout import trial_session_dir

__all__ = ["TensorBoardCallback", "export_study", "trial_session_dir"]
