"""The Study: a named set of trials in a storage, with the sampler and pruner that drive them."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint._direction import StudyDirection
from hpint._thread_lock import ThreadLock
from hpint.distributions import BaseDistribution
from hpint.storages._base import BaseStorage
from hpint.trial._frozen import FrozenTrial, create_trial
from hpint.trial._state import TrialState
from hpint.trial._trial import FIXED_PARAMS_KEY, Trial, check_compatible

if TYPE_CHECKING:
    import pandas as pd

    from hpint.pruners._base import BasePruner
    from hpint.samplers._base import BaseSampler

_logger = _logging.get_logger(__name__)

ObjectiveFuncType = Callable[[Trial], "float | Sequence[float]"]
METRIC_NAMES_KEY = "study:metric_names"


class Study:
    """A study: optimise an objective, then read its trials and the best ones.

    Create one with :func:`hpint.create_study` or :func:`hpint.load_study` rather than directly.
    """

    def __init__(
        self,
        study_name: str,
        storage: str | BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | None = None,
    ) -> None:
        from hpint.storages import get_storage

        self.study_name = study_name
        self._storage = get_storage(storage)
        self._study_id = self._storage.get_study_id_from_name(study_name)
        self._directions = self._storage.get_study_directions(self._study_id)
        self.sampler = sampler if sampler is not None else _default_sampler(len(self._directions))
        self.pruner = pruner if pruner is not None else _default_pruner()
        self._stop_flag = False
        self._known_distributions: dict[str, BaseDistribution] = {}
        # Objects told about trial events while optimize() runs (e.g. the TensorBoard callback, which
        # shows a trial and its learning curve while it trains): see _notify.
        self._trial_listeners: list[Any] = []
        self._lock = ThreadLock()

    # ---- directions ----
    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study; ``RuntimeError`` for several objectives."""
        if len(self._directions) > 1:
            raise RuntimeError("This study has several objectives; use `directions`.")
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        return list(self._directions)

    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    # ---- trials ----
    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """All trials ordered by number, or those in ``states``.

        ``deepcopy=False`` is faster and returns shared records: do not modify them.
        """
        return self._storage.get_all_trials(self._study_id, deepcopy=deepcopy, states=states)

    def _read_trials(self) -> Sequence[FrozenTrial]:
        """All trials, uncopied, for samplers that fold in what changed (see ``BaseStorage.read_trials``)."""
        return self._storage.read_trials(self._study_id)

    @property
    def trials(self) -> list[FrozenTrial]:
        """All trials (copies)."""
        return self.get_trials(deepcopy=True)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial.

        Raises:
            ValueError: no trial has completed.
            RuntimeError: the study has several objectives (use ``best_trials``).
        """
        if self._is_multi_objective():
            raise RuntimeError("best_trial is not defined for several objectives; use `best_trials`.")
        from hpint._pareto import best_feasible_trial, is_feasible

        best = self._storage.get_best_trial(self._study_id)
        if is_feasible(best):  # with constraints (set_constraint, constraints_func) only a feasible one
            return best
        complete = self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return best_feasible_trial(complete, self.direction).copy()

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_params(self) -> dict[str, Any]:
        return self.best_trial.params

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The COMPLETE trials on the Pareto front (for one objective: every trial tied for best).

        With constraints (``trial.set_constraint``, a ``constraints_func``), the front of the feasible trials
        only.
        """
        from hpint._pareto import is_feasible, pareto_front_trials

        complete = self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        complete = [t for t in complete if is_feasible(t)]
        return [t.copy() for t in pareto_front_trials(complete, self._directions)]

    # ---- attributes ----
    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_system_attrs(self._study_id)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the study."""
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        self._storage.set_study_system_attr(self._study_id, key, value)

    def set_metric_names(self, metric_names: list[str]) -> None:
        """Name the objectives (shown in logs, dataframes and TensorBoard).

        Raises:
            ValueError: the number of names differs from the number of objectives.
        """
        if len(metric_names) != len(self._directions):
            raise ValueError(
                f"`metric_names` has {len(metric_names)} names ({metric_names}) but the study has "
                f"{len(self._directions)} objective(s)."
            )
        self._storage.set_study_system_attr(self._study_id, METRIC_NAMES_KEY, list(metric_names))

    @property
    def metric_names(self) -> list[str] | None:
        return self._storage.get_study_system_attrs(self._study_id).get(METRIC_NAMES_KEY)

    # ---- running ----
    def optimize(
        self,
        func: ObjectiveFuncType,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` have run, ``timeout`` seconds pass, or ``stop()``.

        Args:
            func: the objective; takes a :class:`~hpint.Trial` and returns a float (or one per objective).
            n_trials: how many trials this call runs (None: no limit).
            timeout: seconds after which no new trial starts (None: no limit).
            n_jobs: threads running trials at once (-1: one per CPU).
            catch: exception types that mark a trial FAIL and let the study go on; others stop it.
            callbacks: called as ``callback(study, frozen_trial)`` after each trial ends.
            gc_after_trial: run ``gc.collect()`` after each trial (frees GPU memory held by cycles).
            show_progress_bar: print progress to stderr.

        A ``KeyboardInterrupt`` marks the running trial(s) FAIL before it propagates, so the stored study
        stays consistent.
        """
        from hpint.study._optimize import optimize

        optimize(
            self,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
        )

    def stop(self) -> None:
        """Stop ``optimize`` after the running trial(s); callable from a callback or objective."""
        self._stop_flag = True

    def ask(self, fixed_distributions: dict[str, BaseDistribution] | None = None) -> Trial:
        """Start a trial (an enqueued one first) and return it, for loops that run trials themselves.

        ``fixed_distributions`` are suggested at once, so the trial's ``params`` hold them.
        """
        frozen = self._storage.start_trial(self._study_id)
        trial = Trial(self, frozen._trial_id, frozen)
        for name, distribution in (fixed_distributions or {}).items():
            trial._suggest(name, distribution)
        self._notify("on_trial_start", trial)
        return trial

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started by :meth:`ask` and return its record.

        Values that are not numbers (NaN, None, a string) end the trial as FAIL with the reason
        stored in its ``system_attrs["fail_reason"]`` and a warning.

        Raises:
            ValueError: COMPLETE without values, values with FAIL, or a number of values different from the
                number of objectives (the trial is then stored as FAIL first).
            UpdateFinishedTrialError: the trial is already finished (unless ``skip_if_finished``).
        """
        from hpint.study._tell import tell

        return tell(self, trial, values, state, skip_if_finished)

    def enqueue_trial(
        self,
        params: dict[str, Any],
        user_attrs: dict[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue a trial with fixed parameters; the next ``ask`` (by any worker) runs it first.

        Parameters not in ``params`` are sampled as usual. With ``skip_if_exists``, nothing is queued if a
        trial with the same parameters is already queued, running or finished (FAIL excepted).
        """
        if skip_if_exists and self._has_trial_with_params(params):
            _logger.info(f"Trial with params {params} already exists; not enqueued again.")
            return
        template = create_trial(
            state=TrialState.WAITING,
            system_attrs={FIXED_PARAMS_KEY: dict(params)},
            user_attrs=user_attrs,
        )
        self._storage.create_new_trial(self._study_id, template_trial=template)

    def _has_trial_with_params(self, params: dict[str, Any]) -> bool:
        for t in self.get_trials(deepcopy=False):
            if t.state == TrialState.FAIL:
                continue
            if t.state == TrialState.WAITING:
                if t.system_attrs.get(FIXED_PARAMS_KEY) == params:
                    return True
            elif all(k in t.params and t.params[k] == v for k, v in params.items()):
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        """Store a finished (or WAITING) trial built with :func:`hpint.create_trial`.

        Raises:
            ValueError: the trial is inconsistent, or has a different number of values than objectives.
        """
        trial._validate()
        if trial.values is not None and len(trial.values) != len(self._directions):
            raise ValueError(
                f"The trial has {len(trial.values)} value(s) but the study has "
                f"{len(self._directions)} objective(s)."
            )
        for name, dist in trial.distributions.items():
            self._check_param_compatibility(name, dist)
        self._storage.create_new_trial(self._study_id, template_trial=trial)

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Store several trials (see :meth:`add_trial`)."""
        for trial in trials:
            self.add_trial(trial)

    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """The trials as a pandas DataFrame, one row per trial (needs ``pip install "hpint[pandas]"``)."""
        from hpint.study._dataframe import trials_dataframe

        return trials_dataframe(self, attrs, multi_index)

    # ---- internals used by Trial ----
    def _check_param_compatibility(self, name: str, distribution: BaseDistribution) -> None:
        """Raise if ``name`` was used in this study with a distribution of another kind."""
        with self._lock:
            known = self._known_distributions.get(name)
            if known is None:
                for t in self.get_trials(deepcopy=False):
                    for n, d in t.distributions.items():
                        self._known_distributions.setdefault(n, d)
                known = self._known_distributions.setdefault(name, distribution)
        check_compatible(name, known, distribution)

    def _notify(self, event: str, *args: Any) -> None:
        """Call ``listener.<event>(study, *args)`` on each listener that defines it.

        Events: ``on_trial_start(study, trial)`` after ``ask``; ``on_report(study, trial, step, value)``
        after each ``trial.report``. Listeners are the ``optimize`` callbacks that define these methods.
        """
        for listener in self._trial_listeners:
            method = getattr(listener, event, None)
            if method is not None:
                method(self, *args)

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r}, directions={self._directions})"


def _default_sampler(n_objectives: int) -> BaseSampler:
    from hpint.samplers import default_sampler

    return default_sampler(n_objectives)


def _default_pruner() -> BasePruner:
    from hpint.pruners import MedianPruner

    return MedianPruner()
