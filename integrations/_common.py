"""What the trainer callbacks share: importing a framework lazily, reading the monitored metric, and
recording a prune decision so that the trial ends PRUNED without the objective raising anything."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from hpint.trial._base import BaseTrial
from hpint.trial._frozen import FrozenTrial

#: System attribute written when a trainer callback prunes a trial: the step (epoch) it stopped at.
#: It is how a process that did not take the decision (the main process under Lightning's ddp_spawn)
#: learns of it, and it tells afterwards where the curve was cut.
PRUNED_STEP_KEY = "integration:pruned_step"


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise an ImportError that says which extra to install.

    Args:
        module: the module to import (``"keras"``, ``"lightning.pytorch"``).
        extra: the hpint extra that provides it (``"keras"``, ``"lightning"``).
        feature: what needs it, for the message (``"hpint.integrations.keras.PruningCallback"``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"{feature} needs the {module.split('.')[0]!r} package, which could not be imported ({e}). "
            f'Install it with: pip install "hpint[{extra}]"'
        ) from e


def monitor_value(metrics: Mapping[str, Any], monitor: str, where: str, hint: str) -> float:
    """``metrics[monitor]`` as a float, or an error naming the metrics that do exist.

    Args:
        metrics: what the trainer logged (Lightning's ``callback_metrics``, Keras' epoch ``logs``).
        monitor: the key the user asked to monitor.
        where: when the lookup happens, for the message (``"after validation of epoch 3"``).
        hint: how to make the metric appear, for the message.

    Raises:
        ValueError: ``monitor`` is not in ``metrics``, or its value is not a single number.
    """
    if monitor not in metrics:
        available = ", ".join(repr(k) for k in sorted(metrics)) or "none"
        raise ValueError(
            f"The monitored metric {monitor!r} was not logged {where}; metrics that were: {available}. "
            f"Pass one of them as `monitor`, or {hint}."
        )
    value = metrics[monitor]
    try:
        return float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError, RuntimeError) as e:  # RuntimeError: a tensor of several elements
        raise ValueError(
            f"The monitored metric {monitor!r} must be a single number, "
            f"not {type(value).__name__} ({value!r})."
        ) from e


def report_and_decide(trial: BaseTrial, value: float, step: int) -> bool:
    """Report ``value`` at ``step`` and ask the study's pruner; True means stop training now."""
    trial.report(value, step)
    return bool(trial.should_prune())


def mark_pruned(trial: BaseTrial, step: int) -> None:
    """Make the trial end PRUNED when the objective returns, and store where it was stopped.

    ``Study.optimize`` checks ``trial._end_as_pruned`` after the objective returns, so the user does not
    have to raise ``TrialPruned`` (which would skip the trainer's own teardown, checkpoints and loggers).
    """
    trial._end_as_pruned = True  # type: ignore[attr-defined]
    trial.set_system_attr(PRUNED_STEP_KEY, int(step))


def stored_pruned_step(trial: BaseTrial) -> int | None:
    """The step at which another process pruned ``trial``, read from the storage; None if it was not."""
    fresh = fresh_record(trial)
    if fresh is None:
        return None
    step = fresh.system_attrs.get(PRUNED_STEP_KEY)
    return None if step is None else int(step)


def fresh_record(trial: BaseTrial) -> FrozenTrial | None:
    """The trial as the database holds it now, bypassing this process's cache; None without a storage.

    A caching storage serves a trial this process created from memory, which misses what a worker process
    (Lightning's ddp_spawn rank 0) wrote to it meanwhile.
    """
    storage = getattr(trial, "storage", None)
    trial_id = getattr(trial, "_trial_id", None)
    if storage is None or trial_id is None:
        return None
    backend = getattr(storage, "backend", storage)
    return backend.get_trial(trial_id)
