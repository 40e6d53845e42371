"""Helpers shared by the plots' data modules: choosing trials and values, describing parameter axes.

Every plot reads trials through these, for both backends (plotly and matplotlib), so that the rules
(which states count, what ``target`` means, how a log or categorical parameter is placed) are the same
everywhere. Nothing here draws or imports a plotting library.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hpint.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hpint.logging import get_logger
from hpint.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

_logger = get_logger("hpint.visualization")

Target = Callable[[FrozenTrial], float]


def warn_empty(what: str) -> None:
    _logger.warning(f"{what}: nothing to plot, the figure is empty.")


# ---- studies, trials and values ----


def as_study_list(study: Study | Sequence[Study]) -> list[Study]:
    """``study`` as a list: the history and EDF plots take one study or several to compare."""
    from hpint.study import Study

    studies = [study] if isinstance(study, Study) else list(study)
    for s in studies:
        if not isinstance(s, Study):
            raise TypeError(f"`study` must be a Study or a list of studies, got {type(s).__name__} ({s!r}).")
    return studies


def check_target(study: Study, target: Target | None) -> None:
    """Raise unless the plotted value is defined: several objectives need ``target`` to choose one."""
    if target is None and len(study.directions) > 1:
        raise ValueError(
            f"Study {study.study_name!r} has {len(study.directions)} objectives, so which value to plot is "
            "ambiguous: pass `target`, e.g. target=lambda t: t.values[0]."
        )
    if target is not None and not callable(target):
        raise TypeError(f"`target` must be a function of a FrozenTrial returning a float, got {target!r}.")


def target_or_value(target: Target | None) -> Target:
    """``target``, or the trial's (single) objective value."""
    return target if target is not None else _objective_value


def _objective_value(trial: FrozenTrial) -> float:
    return trial.value  # type: ignore[return-value]


def complete_trials(study: Study) -> list[FrozenTrial]:
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def finite_values(trials: Sequence[FrozenTrial], target: Target) -> tuple[list[FrozenTrial], np.ndarray]:
    """The trials whose target value is finite, and those values; the others are logged and left out."""
    kept, rows = finite_rows(trials, lambda t: (target(t),))
    return kept, rows[:, 0]


def finite_rows(
    trials: Sequence[FrozenTrial], row_of: Callable[[FrozenTrial], Sequence[float]]
) -> tuple[list[FrozenTrial], np.ndarray]:
    """The trials whose values ``row_of(trial)`` are all finite, and those values (a row per trial); the
    others are logged and left out."""
    import numpy as np

    kept, rows = [], []
    for t in trials:
        row = [float(v) for v in row_of(t)]
        if all(math.isfinite(v) for v in row):
            kept.append(t)
            rows.append(row)
    if len(kept) < len(trials):
        _logger.warning(f"{len(trials) - len(kept)} trial(s) with a non-finite value are not plotted.")
    width = len(rows[0]) if rows else 1
    return kept, np.asarray(rows, dtype=float).reshape(len(kept), width)


# ---- parameters ----


def resolve_params(trials: Sequence[FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """The parameters to plot: ``params`` checked against the trials', or all of them sorted by name."""
    existing = sorted({name for t in trials for name in t.params})
    if params is None:
        return existing
    if isinstance(params, str):
        raise TypeError(f"`params` must be a list of parameter names, got the string {params!r}.")
    for name in params:
        if name not in existing:
            raise ValueError(
                f"Parameter {name!r} in `params` does not exist in the study; it has {existing}."
            )
    return list(params)


@dataclass
class ParamAxis:
    """How one parameter is drawn: ``kind`` is "linear", "log" or "categorical" (``choices`` in order).

    ``encode`` maps values to plot coordinates: the value itself, or the choice's index for categorical
    parameters (log parameters stay raw: their axis is log scaled, see :func:`to_space` for the math).
    """

    name: str
    kind: str
    choices: list[Any] = field(default_factory=list)

    def encode(self, values: Sequence[Any]) -> np.ndarray:
        import numpy as np

        if self.kind != "categorical":
            return np.asarray(values, dtype=float)
        from hpint.distributions import _index_of_choice

        return np.asarray([_index_of_choice(self.choices, v) for v in values], dtype=float)

    def to_space(self, coords: np.ndarray) -> np.ndarray:
        """Coordinates in the space where the axis is linear (log10 for log parameters)."""
        import numpy as np

        return np.log10(coords) if self.kind == "log" else np.asarray(coords, dtype=float)

    def from_space(self, space: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.power(10.0, space) if self.kind == "log" else space

    @property
    def labels(self) -> list[str]:
        """One tick label per choice: ``str(choice)``, or ``repr`` where two choices print alike."""
        texts = [str(c) for c in self.choices]
        if len(set(texts)) < len(texts):
            texts = [repr(c) for c in self.choices]
        return texts

    def limits(self, space: np.ndarray) -> tuple[float, float]:
        """Axis limits in linear space: the values' range (all choices', if categorical) padded by 5%."""
        import numpy as np

        if self.kind == "categorical":
            space = np.array([0.0, len(self.choices) - 1.0])
        return padded_range(space)


def param_axis(trials: Sequence[FrozenTrial], name: str) -> ParamAxis:
    """Describe parameter ``name`` from the distributions the trials recorded for it."""
    from hpint.distributions import _index_of_choice

    dists = [t.distributions[name] for t in trials if name in t.distributions]
    if any(isinstance(d, CategoricalDistribution) for d in dists):
        choices: list[Any] = []
        for d in dists:
            for c in getattr(d, "choices", ()):
                if _index_of_choice(choices, c) is None:
                    choices.append(c)
        return ParamAxis(name, "categorical", choices)
    log = any(isinstance(d, (FloatDistribution, IntDistribution)) and d.log for d in dists)
    return ParamAxis(name, "log" if log else "linear")


def feasibility(trials: Sequence[FrozenTrial]) -> np.ndarray:
    """True per trial unless it stored a violated constraint (``constraints_func`` of a sampler)."""
    import numpy as np

    from hpint._pareto import is_feasible

    return np.asarray([is_feasible(t) for t in trials], dtype=bool)


def trials_with(trials: Sequence[FrozenTrial], names: Sequence[str]) -> list[FrozenTrial]:
    """The trials that set every one of ``names`` (conditional parameters may be missing)."""
    return [t for t in trials if all(n in t.params for n in names)]


def padded_range(space: np.ndarray, fraction: float = 0.05) -> tuple[float, float]:
    """``(min, max)`` of ``space`` widened by ``fraction`` of the span (by 0.5 when all values are equal)."""
    lo, hi = float(space.min()), float(space.max())
    pad = (hi - lo) * fraction if hi > lo else 0.5
    return lo - pad, hi + pad
