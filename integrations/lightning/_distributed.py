"""Pruning under multi-process strategies: which process talks to the storage, and how the others learn.

A callback runs in every process of a distributed fit, in one of three roles:

- ``WRITER`` (global rank 0): reports the metric, asks the pruner and records the decision in the storage.
- ``MIRROR`` (rank > 0 of strategy ``"ddp"``): Lightning ran the user's script again for this rank, so the
  process has its own study and trial. It copies rank 0's value and decision into that trial, which keeps
  its study's history, and so a seeded sampler's next suggestions, identical to rank 0's. It must not
  share rank 0's storage, or each trial would be stored once per rank.
- ``FOLLOWER`` (rank > 0 of ``"ddp_spawn"`` or a fork-based strategy): the callback and its trial are
  copies of the main process's; it only stops training when rank 0 says so.

Under ``"ddp_spawn"`` and ``"ddp_fork"`` rank 0 itself runs in a process started for the fit, so the main
process, where ``Study.optimize`` records the trial, learns the outcome from the storage afterwards
(:class:`PrunedInAnotherProcess`), set up when the callback is pickled (spawn) or the process forked.

Every rank calls the same collectives in the same order, and an error on rank 0 is handed to the others
before anyone raises, so a failure never leaves a rank waiting forever.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from typing import Any, TypeVar

from hpint._fork import ForkRegistry
from hpint.integrations._common import PRUNED_STEP_KEY
from hpint.trial._base import BaseTrial
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

T = TypeVar("T")


class Role(enum.Enum):
    WRITER = "writer"
    MIRROR = "mirror"
    FOLLOWER = "follower"


def role_of(trainer: Any, creator_pid: int) -> Role:
    """This process's role; ``creator_pid`` is the process that created the callback."""
    if trainer.global_rank == 0:
        return Role.WRITER
    return Role.MIRROR if os.getpid() == creator_pid else Role.FOLLOWER


def from_rank_zero(trainer: Any, compute: Callable[[], T]) -> T:
    """Run ``compute`` on global rank 0 and return its result on every rank.

    Every rank must call this at the same point. If ``compute`` raises on rank 0, rank 0 re-raises it and
    the other ranks raise a ``RuntimeError`` quoting it, instead of waiting for a broadcast that never comes.
    """
    result: Any = None
    error: Exception | None = None
    if trainer.is_global_zero:
        try:
            result = compute()
        except Exception as e:  # noqa: BLE001 - handed to the other ranks, then re-raised below
            error = e
    if trainer.world_size > 1:
        message = None if error is None else f"{type(error).__name__}: {error}"
        result, message = trainer.strategy.broadcast((result, message), src=0)
        if error is None and message is not None:
            raise RuntimeError(f"hpint's pruning callback failed on rank 0, this rank stops too: {message}")
    if error is not None:
        raise error
    return result


def gather(trainer: Any, obj: Any) -> list[Any]:
    """``obj`` from every rank, in rank order (just ``[obj]`` when training runs in one process)."""
    if trainer.world_size == 1:
        return [obj]
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return [obj]
    out: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(out, obj)
    return out


def check_setup(trainer: Any, trial: BaseTrial, role: Role, copied: bool) -> None:
    """Fail on every rank, with the reason, if this distributed setup would lose or duplicate trial data.

    Args:
        copied: this process got the callback by pickling or forking (ddp_spawn, ddp_fork), not by running
            the code that created it.

    Raises:
        ValueError: see :func:`setup_problem`; the same error on all ranks.
    """
    params0 = from_rank_zero(trainer, lambda: dict(trial.params))
    problem = setup_problem(trainer, trial, role, copied, params0)
    problems = gather(trainer, problem)
    for rank, found in enumerate(problems):
        if found is not None:
            where = "" if len(problems) == 1 else f" (found on rank {rank})"
            raise ValueError(found + where)


def setup_problem(
    trainer: Any, trial: BaseTrial, role: Role, copied: bool, params0: dict[str, Any]
) -> str | None:
    """Why training cannot go on with this trial in this process, or None."""
    from hpint.storages import InMemoryStorage

    storage = getattr(trial, "storage", None)
    if copied and isinstance(storage, InMemoryStorage):
        return (
            "The trainer runs hpint's pruning callback in a process it started by pickling or forking "
            "(strategy 'ddp_spawn', 'ddp_fork', ...), and the trial's in-memory storage cannot be shared "
            "with it: the reported values and the prune decision would be lost. Create the study with a "
            "database storage, e.g. hpint.create_study(storage='sqlite:///study.db'), or use strategy='ddp'."
        )
    if role is Role.MIRROR and storage is not None and not isinstance(storage, InMemoryStorage):
        return (
            f"Strategy 'ddp' runs your script again for every rank, so rank {trainer.global_rank} created "
            f"its own trial (number {trial.number}) in the same storage as rank 0, and each trial would be "
            "recorded once per rank. Give ranks > 0 an in-memory study (e.g. storage=None when "
            "os.environ.get('LOCAL_RANK', '0') != '0'), or use strategy='ddp_spawn'."
        )
    params = dict(trial.params)
    if params != params0:
        return (
            f"Rank {trainer.global_rank} trains with {params} but rank 0 with {params0}: every process must "
            "train the same hyperparameters. Under strategy 'ddp' each process runs your script and its own "
            "study, so use a seeded sampler (e.g. samplers.TPESampler(seed=0)) and return a value that is "
            "the same on every rank (log it with sync_dist=True); or use strategy='ddp_spawn'."
        )
    return None


def adopt_worker_writes(trial: BaseTrial) -> FrozenTrial | None:
    """Make this process's views of a running ``trial`` what worker processes stored; return that record.

    Under ddp_spawn the rank-0 worker writes the learning curve and the decision through its own copy of
    the storage. This process's trial and its storage cache still hold the record from before ``fit``,
    and the trial would be finished (and later read) from that. None without a storage.
    """
    storage = getattr(trial, "storage", None)
    trial_id = getattr(trial, "_trial_id", None)
    if storage is None or trial_id is None:
        return None
    reload = getattr(storage, "reload_trial", None)
    fresh = reload(trial_id) if reload is not None else storage.get_trial(trial_id)
    if fresh.state == TrialState.RUNNING and hasattr(trial, "_cached"):
        trial._cached = fresh  # type: ignore[attr-defined]
    return fresh


class PrunedInAnotherProcess:
    """Stands in for ``trial._end_as_pruned`` in the main process while worker processes train.

    ``Study.optimize`` tests ``trial._end_as_pruned`` after the objective returns. Under ddp_spawn the
    decision is taken and stored by the rank-0 worker, so this reads it from the storage and, on the way,
    brings this process's record of the trial up to date with what the worker stored (its learning curve),
    which ``tell`` then uses to record the trial.
    """

    def __init__(self, trial: BaseTrial) -> None:
        self._trial = trial

    def __bool__(self) -> bool:
        fresh = adopt_worker_writes(self._trial)
        return fresh is not None and PRUNED_STEP_KEY in fresh.system_attrs

    def __reduce__(self) -> tuple[Any, ...]:
        return (bool, (False,))  # the worker's copy of the trial starts undecided

    def __repr__(self) -> str:
        return "PrunedInAnotherProcess()"


def expect_outcome_elsewhere(trial: BaseTrial) -> None:
    """Make ``trial`` (in this process) learn from the storage, when it ends, what another process did.

    Nothing changes if the trial already knows (pruned here, or set up before).
    """
    if getattr(trial, "_end_as_pruned", None) is False and hasattr(trial, "_cached"):
        trial._end_as_pruned = PrunedInAnotherProcess(trial)  # type: ignore[attr-defined]


# ---- fork-based strategies ("ddp_fork"): the fork is the only moment this process sees ----
# Lightning forks every rank, rank 0 included, from inside ``trainer.fit``; no callback hook runs in this
# process before or after. So every callback alive here registers, and at a fork its trial is set up to
# read the outcome from the storage, as pickling does under ddp_spawn. Other forks (e.g. DataLoader
# workers) set it up too; then the trial's end costs one read of it, and the outcome is the same.
def _before_fork(callback: Any) -> None:
    if callback._creator_pid == os.getpid():
        expect_outcome_elsewhere(callback._trial)


def _after_fork_in_child(callback: Any) -> None:
    trial = callback._trial
    if isinstance(getattr(trial, "_end_as_pruned", None), PrunedInAnotherProcess):
        trial._end_as_pruned = False  # the child's copy starts undecided, as under ddp_spawn


_IN_THIS_PROCESS: ForkRegistry[Any] = ForkRegistry(before=_before_fork, after_in_child=_after_fork_in_child)


def watch_forks(callback: Any) -> None:
    """Register ``callback`` (with ``_trial`` and ``_creator_pid``) for :func:`_before_fork`."""
    _IN_THIS_PROCESS.add(callback)
