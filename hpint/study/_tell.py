"""Ending a trial: validate its values, let the sampler see it, store the final state once."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint.exceptions import UpdateFinishedTrialError
from hpint.storages._base import BaseStorage, TrialUpdate
from hpint.trial._frozen import FAIL_REASON_KEY, FrozenTrial
from hpint.trial._state import TrialState
from hpint.trial._trial import Trial

if TYPE_CHECKING:
    from hpint.study._study import Study

_logger = _logging.get_logger("hpint.study")


class WrongValueCountError(ValueError):
    """The objective returned a different number of values than the study has objectives."""


def tell(
    study: Study,
    trial: Trial | int,
    values: float | Sequence[float] | None,
    state: TrialState | None,
    skip_if_finished: bool,
    fail_reason: str | None = None,
) -> FrozenTrial:
    storage = study._storage
    frozen = _resolve(study, trial)
    if frozen.state.is_finished():
        if skip_if_finished:
            _logger.info(f"Trial {frozen.number} is already finished ({frozen.state.name}); skipped.")
            return frozen
        raise UpdateFinishedTrialError(
            f"Trial {frozen.number} is already finished ({frozen.state.name}) and cannot be told again."
        )
    if state is None:
        state = TrialState.COMPLETE
    if state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
        raise ValueError(f"`state` must be COMPLETE, PRUNED or FAIL, not {state!r}.")
    if state == TrialState.COMPLETE and values is None:
        raise ValueError("`values` are required when `state` is COMPLETE (the default).")
    if state != TrialState.COMPLETE and values is not None:
        raise ValueError(f"`values` ({values!r}) cannot be given with state {state.name}.")

    n_objectives = len(study._directions)
    final_values: list[float] | None = None
    reason: str | None = fail_reason
    wrong_count = False
    if state == TrialState.COMPLETE:
        final_values, reason, wrong_count = check_values(values, n_objectives)
        if reason is not None:
            state = TrialState.FAIL
    elif state == TrialState.PRUNED and n_objectives == 1 and frozen.last_step is not None:
        # A pruned trial keeps its last intermediate value, so samplers can rank it.
        last = frozen.intermediate_values[frozen.last_step]
        final_values = [last] if last == last else None  # NaN stays None

    system_attrs: dict[str, Any] | None = {FAIL_REASON_KEY: reason} if reason else None
    update = TrialUpdate(state=state, values=final_values, system_attrs=system_attrs)
    try:
        study.sampler.after_trial(study, frozen, state, final_values)
    except BaseException:
        _store(storage, frozen, update, skip_if_finished=True)  # the sampler's error is the one to see
        raise
    if not _store(storage, frozen, update, skip_if_finished):
        return storage.get_trial(frozen._trial_id)  # finished by another process meanwhile: skipped
    result = storage.get_trial(frozen._trial_id)
    if isinstance(trial, Trial):  # the live object now knows it is finished (a second tell is caught early)
        trial._cached.state = result.state
    _log_result(study, result, reason)
    if wrong_count:
        raise WrongValueCountError(reason)
    if reason is not None and fail_reason is None:
        warnings.warn(f"Trial {result.number} failed: {reason}", stacklevel=3)
    return result


def _store(storage: BaseStorage, frozen: FrozenTrial, update: TrialUpdate, skip_if_finished: bool) -> bool:
    """Write the final state (one commit); False if the trial was already finished and that is allowed."""
    try:
        storage.update_trial(frozen._trial_id, update)
    except UpdateFinishedTrialError:
        if not skip_if_finished:
            raise
        _logger.info(f"Trial {frozen.number} is already finished; skipped.")
        return False
    return True


def _resolve(study: Study, trial: Trial | int) -> FrozenTrial:
    if isinstance(trial, Trial):
        if trial.study._study_id != study._study_id:
            raise ValueError(f"Trial {trial.number} belongs to another study.")
        frozen = trial._frozen()
        if not frozen.state.is_finished():
            # It may have been told through its number. (If another process finished it, the final
            # write below fails: a cache answers this without a database round trip.)
            stored = study._storage.get_trial_local(frozen._trial_id)
            if stored.state.is_finished():
                return stored
        return frozen
    if isinstance(trial, int) and not isinstance(trial, bool):
        try:
            trial_id = study._storage.get_trial_id_from_study_id_trial_number(study._study_id, trial)
        except KeyError:
            raise ValueError(
                f"`trial` {trial} is not a trial number of study {study.study_name!r}."
            ) from None
        return study._storage.get_trial(trial_id)
    raise TypeError(f"`trial` must be a Trial or a trial number, not {type(trial).__name__} ({trial!r}).")


def _log_result(study: Study, trial: FrozenTrial, reason: str | None) -> None:
    if trial.state == TrialState.FAIL:
        _logger.warning(f"Trial {trial.number} failed with parameters: {trial.params} because of: {reason}")
        return
    if trial.state == TrialState.PRUNED:
        _logger.info(f"Trial {trial.number} pruned. ")
        return
    if not _logger.isEnabledFor(_logging.INFO):
        return  # skip computing the best trial when nobody reads the line
    names = study.metric_names
    if study._is_multi_objective():
        shown = dict(zip(names, trial.values)) if names else trial.values
        _logger.info(f"Trial {trial.number} finished with values: {shown} and parameters: {trial.params}. ")
        return
    what = f"{names[0]}" if names else "value"
    try:
        best = study.best_trial
    except ValueError:  # every COMPLETE trial violates a constraint
        summary = "No trial is feasible yet."
    else:
        summary = f"Best is trial {best.number} with {what}: {best.values[0]}."
    _logger.info(
        f"Trial {trial.number} finished with {what}: {trial.values[0]} and parameters: {trial.params}. "
        + summary
    )


def check_values(values: Any, n_objectives: int) -> tuple[list[float] | None, str | None, bool]:
    """Turn an objective's return into floats (±inf allowed, NaN not), or say why not.

    Returns ``(values, None, False)`` on success, else ``(None, reason, wrong_count)`` where
    ``wrong_count`` tells a wrong number of values (a bug in the objective) from a bad value (a diverged
    training run, say).
    """
    if values is None:
        return None, "The objective returned None; it must return a number.", False
    seq = list(values) if isinstance(values, (list, tuple)) else [values]
    out = []
    for v in seq:
        if isinstance(v, (str, bytes)) or (  # a bool counts as 0 or 1, as in Optuna
            not isinstance(v, numbers.Real) and not hasattr(v, "__float__")
        ):
            return (
                None,
                f"The objective returned {v!r} of type {type(v).__name__}; it must return a number.",
                False,
            )
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None, f"The objective returned {v!r}, which cannot be converted to float.", False
        if math.isnan(f):  # +-inf is a value (e.g. a diverged loss), as in Optuna; NaN is not
            return None, f"The objective returned {f}; it must be a number, not NaN.", False
        out.append(f)
    if len(out) != n_objectives:
        return (
            None,
            (
                f"The objective returned {len(out)} value(s) ({values!r}) but the study has "
                f"{n_objectives} objective(s)."
            ),
            True,
        )
    return out, None, False
