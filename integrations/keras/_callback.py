"""The Keras pruning callback: report a metric at the end of every epoch, stop when the pruner says so."""

from __future__ import annotations

from typing import Any

from hpint.exceptions import TrialPruned
from hpint.integrations._common import mark_pruned, monitor_value, report_and_decide
from hpint.integrations.keras import _namespace
from hpint.trial._base import BaseTrial


class PruningCallback:
    """Report a metric to an hpint trial at the end of every epoch; stop training when it is pruned.

    >>> def objective(trial):
    ...     model = make_model(units=trial.suggest_int("units", 16, 256, log=True))
    ...     history = model.fit(x, y, validation_split=0.2, epochs=20,
    ...                         callbacks=[PruningCallback(trial, monitor="val_accuracy")])
    ...     return history.history["val_accuracy"][-1]

    At the end of every ``interval``-th epoch it reports ``logs[monitor]`` at step ``epoch`` (counted from
    0, as Keras counts) and asks the study's pruner. When the pruner says stop, it sets
    ``model.stop_training = True``: the epoch ends normally, ``fit`` returns its ``History`` and the other
    callbacks' ``on_train_end`` run, and the trial is recorded as PRUNED once the objective returns, so the
    objective need not raise anything. Raising ``hpint.TrialPruned`` yourself, e.g. through
    :meth:`check_pruned`, works as well.

    Works with Keras 3 on every backend (TensorFlow, PyTorch, JAX), with ``tf.keras`` and with the legacy
    ``tf_keras``: the callback's Keras base class is chosen at run time to match the model.

    Args:
        trial: the trial of the running objective.
        monitor: the key of Keras' epoch logs to report, e.g. ``"val_loss"`` or ``"val_accuracy"``
            (``val_*`` keys need validation data in ``fit``).
        interval: report and ask the pruner every ``interval`` epochs only (after epochs ``interval - 1``,
            ``2 * interval - 1``, ...); match ``fit``'s ``validation_freq`` when validation runs less often
            than every epoch.

    Attributes:
        pruned_epoch: the epoch after which this callback stopped training, or None.

    Raises:
        ImportError: Keras is not installed.
        ValueError: during ``fit``, when ``monitor`` is not in the epoch logs (the message names the keys
            that are).
    """

    _package: str | None = None  # set on the classes made per Keras package
    _mixin: type | None = None  # on those classes: the plain class they were made from

    def __new__(cls, *args: Any, **kwargs: Any) -> PruningCallback:
        if cls._package is None:  # the plain class: make the one deriving from the user's Keras
            cls = _namespace.callback_class(cls, _namespace.package_for_new_callback())
        return super().__new__(cls)

    def __init__(self, trial: BaseTrial, monitor: str = "val_loss", interval: int = 1) -> None:
        super().__init__()
        if not (hasattr(trial, "report") and hasattr(trial, "should_prune")):
            raise TypeError(f"`trial` must be the trial given to the objective, not {type(trial).__name__}.")
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"`monitor` must be the name of a logged metric, not {monitor!r}.")
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f"`interval` must be a positive integer (a number of epochs), not {interval!r}.")
        self._trial = trial
        self.monitor = monitor
        self.interval = interval
        self.pruned_epoch: int | None = None

    # ---- Keras hooks ----
    def set_model(self, model: Any) -> None:
        package = _namespace.model_package(model)
        if package is not None and package != self._package:
            self.__class__ = _namespace.callback_class(self._mixin, package)
            super().__init__()  # the new Keras base's own attributes
        super().set_model(model)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if (epoch + 1) % self.interval != 0:
            return
        value = monitor_value(
            logs or {},
            self.monitor,
            where=f"at the end of epoch {epoch}",
            hint=(
                "pass validation data to fit (validation_data= or validation_split=) for 'val_' metrics and "
                "compile the model with the metric; if validation runs every k epochs (validation_freq=k), "
                "pass interval=k"
            ),
        )
        if report_and_decide(self._trial, value, epoch):
            self.model.stop_training = True
            self.pruned_epoch = epoch
            mark_pruned(self._trial, epoch)

    # ---- asking after fit ----
    def check_pruned(self) -> None:
        """Raise ``hpint.TrialPruned`` if this callback pruned the trial; call after ``fit``.

        Not needed with ``Study.optimize`` (the trial ends PRUNED anyway); useful in ask-and-tell loops, or
        to skip work the objective would do after ``fit``.
        """
        if self.pruned_epoch is not None:
            raise TrialPruned(f"Trial {self._trial.number} was pruned at epoch {self.pruned_epoch}.")

    def __repr__(self) -> str:
        number = getattr(self._trial, "number", "?")
        return f"{type(self).__name__}(trial={number}, monitor={self.monitor!r}, interval={self.interval})"
