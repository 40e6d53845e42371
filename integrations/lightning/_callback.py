"""The Lightning pruning callback: report a validation metric each epoch, stop when the pruner says so."""

from __future__ import annotations

import os
import warnings
from typing import Any

from hpint.exceptions import TrialPruned
from hpint.integrations._common import mark_pruned, monitor_value, report_and_decide, stored_pruned_step
from hpint.integrations.lightning import _distributed, _namespace
from hpint.integrations.lightning._distributed import Role
from hpint.trial._base import BaseTrial


class PruningCallback:
    """Report a validation metric to an hpint trial after every epoch; stop training when it is pruned.

    >>> def objective(trial):
    ...     model = MyModule(lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True))
    ...     trainer = lightning.Trainer(max_epochs=20, callbacks=[PruningCallback(trial, monitor="val_loss")])
    ...     trainer.fit(model, train_loader, val_loader)
    ...     return trainer.callback_metrics["val_loss"].item()

    After each validation run of ``fit`` (never the sanity check) it reports
    ``trainer.callback_metrics[monitor]`` at step ``trainer.current_epoch`` and asks the study's pruner.
    When the pruner says stop it sets ``trainer.should_stop``, so the epoch ends normally (checkpoints,
    loggers and teardown run; ``min_epochs`` can delay the stop), and the trial is recorded as PRUNED once
    the objective returns: the objective need not raise anything. Raising ``hpint.TrialPruned`` yourself,
    e.g. through :meth:`check_pruned`, works as well.

    Works with Trainers of both ``lightning`` and ``pytorch_lightning``: the callback's Lightning base
    class is chosen at run time to match the Trainer.

    Distributed training (several processes): rank 0 alone reports and asks the pruner, and its decision
    is broadcast, so every rank stops after the same epoch and the trial is recorded once.

    - ``strategy="ddp"`` starts ranks > 0 by running your script again, so each of them runs its own
      study and trial; only rank 0's study is real. Rank 0 may use any storage. Ranks > 0 must use an
      in-memory storage (otherwise each trial would be stored once per rank) and must get rank 0's
      hyperparameters: use a seeded sampler and return a value that is equal on all ranks (log it with
      ``sync_dist=True``); the callback copies rank 0's values and decisions into their trials to keep
      their histories equal, and checks at ``setup`` that all ranks train the same parameters. Ranks > 0
      start from an empty study, so resuming a stored study that already holds trials fails that check
      (rank 0 samples from a history they lack): resume such studies with ``ddp_spawn``.
    - ``strategy="ddp_spawn"`` pickles the trainer, this callback and the trial into new processes, and
      ``strategy="ddp_fork"`` forks them (rank 0 included), so the study needs a database storage
      (``"sqlite:///study.db"``, PostgreSQL, MySQL): an in-memory storage would be copied and what the
      workers write would be lost (the callback raises a ``ValueError`` saying so). The process running
      the study learns rank 0's decision and learning curve from the storage when the objective returns.
      Under ``ddp_fork`` the ranks inherit the storage object: they open database connections of their
      own (the parent's are never used across the fork), so the same storages work as with ``ddp_spawn``.

    Args:
        trial: the trial of the running objective.
        monitor: the metric to report, as logged with ``self.log`` (e.g. ``"val_loss"``, ``"val_acc"``).
        log_hyperparams: also log the trial's parameters as the run's hyperparameters through each of
            ``trainer.loggers`` (``log_hyperparams``), so TensorBoard or CSV logs show them.

    Raises:
        ImportError: neither ``lightning`` nor ``pytorch_lightning`` is installed.
        ValueError: during ``fit``, when ``monitor`` was not logged (the message names what was), or when a
            distributed setup would lose or duplicate the trial's data.
    """

    _packages: tuple[str, ...] = ()  # set on the classes made per Lightning package
    _mixin: type | None = None  # on those classes: the plain class they were made from

    def __new__(cls, *args: Any, **kwargs: Any) -> PruningCallback:
        if not cls._packages:  # the plain class: make the one deriving from the user's Lightning
            cls = _namespace.callback_class(cls, _namespace.packages_for_new_callback())
        return super().__new__(cls)

    def __init__(self, trial: BaseTrial, monitor: str = "val_loss", *, log_hyperparams: bool = False) -> None:
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise TypeError(f"`monitor` must be the name of a logged metric, not {monitor!r}.")
        self._trial = trial
        self.monitor = monitor
        self.log_hyperparams = bool(log_hyperparams)
        self._creator_pid = os.getpid()
        self._last_epoch: int | None = None
        self._pruned_epoch: int | None = None
        self._warned_repeat = False
        _distributed.watch_forks(self)

    # ---- Lightning hooks ----
    def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
        package = _namespace.trainer_package(trainer)
        if package is not None and self._packages != (package,):
            self.__class__ = _namespace.callback_class(self._mixin, (package,))
        copied = os.getpid() != self._creator_pid
        if trainer.world_size > 1 or copied:
            _distributed.check_setup(trainer, self._trial, self._role(trainer), copied)

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        if self.log_hyperparams:
            for logger in trainer.loggers:
                logger.log_hyperparams(dict(self._trial.params))

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking or trainer.state.fn != "fit" or self._pruned_epoch is not None:
            return
        epoch = trainer.current_epoch
        if self._last_epoch is not None and epoch <= self._last_epoch:
            self._warn_repeated_validation(epoch)
            return
        self._last_epoch = epoch
        role = self._role(trainer)
        value, prune = _distributed.from_rank_zero(trainer, lambda: self._report(trainer, epoch))
        if role is Role.MIRROR:
            self._trial.report(value, epoch)
        if prune:
            self._pruned_epoch = epoch
            trainer.should_stop = True
            if role is not Role.FOLLOWER:
                mark_pruned(self._trial, epoch)

    @property
    def state_key(self) -> str:
        """The key of this callback's state in a checkpoint; includes ``monitor``, as EarlyStopping's does."""
        return self._generate_state_key(monitor=self.monitor)

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint keeps: the monitored metric and the last epoch reported (and pruned at)."""
        return {"monitor": self.monitor, "last_epoch": self._last_epoch, "pruned_epoch": self._pruned_epoch}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume from a checkpoint: epochs up to the saved ``last_epoch`` are not reported again."""
        last = state_dict.get("last_epoch")
        if last is not None and (self._last_epoch is None or last > self._last_epoch):
            self._last_epoch = int(last)

    # ---- asking after fit ----
    @property
    def pruned(self) -> bool:
        """Whether the trial was pruned, here or in a worker process (then read from the storage)."""
        if self._pruned_epoch is not None:
            return True
        flag = getattr(self._trial, "_end_as_pruned", False)
        if isinstance(flag, _distributed.PrunedInAnotherProcess):
            return bool(flag)  # also brings this process's record up to date with the worker's
        return flag is True or stored_pruned_step(self._trial) is not None

    def check_pruned(self) -> None:
        """Raise ``hpint.TrialPruned`` if the trial was pruned; call after ``trainer.fit``.

        Not needed with ``Study.optimize`` (the trial ends PRUNED anyway, under every strategy); useful
        with ask-and-tell loops that decide themselves how to record the trial.
        """
        if self.pruned:
            epoch = self._pruned_epoch if self._pruned_epoch is not None else stored_pruned_step(self._trial)
            raise TrialPruned(f"Trial was pruned at epoch {epoch}.")

    # ---- internals ----
    def _report(self, trainer: Any, epoch: int) -> tuple[float, bool]:
        value = monitor_value(
            trainer.callback_metrics,
            self.monitor,
            where=f"after validation of epoch {epoch}",
            hint=f"log it in validation_step or on_validation_epoch_end with self.log({self.monitor!r}, ...)",
        )
        return value, report_and_decide(self._trial, value, epoch)

    def _role(self, trainer: Any) -> Role:
        return _distributed.role_of(trainer, self._creator_pid)

    def _warn_repeated_validation(self, epoch: int) -> None:
        if not self._warned_repeat:
            self._warned_repeat = True
            warnings.warn(
                f"Validation ran more than once in epoch {epoch} (val_check_interval < 1?); the pruning "
                "callback reports one value per epoch and keeps the first.",
                stacklevel=2,
            )

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled to go to another process (ddp_spawn): there the decision is taken, and this process's
        # trial learns of it through the storage when the objective returns.
        _distributed.expect_outcome_elsewhere(self._trial)
        return (_namespace.rebuild, (self._mixin, self._packages, self.__dict__.copy()))

    def __repr__(self) -> str:
        return f"PruningCallback(trial={getattr(self._trial, 'number', '?')}, monitor={self.monitor!r})"
