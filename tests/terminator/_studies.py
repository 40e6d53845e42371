"""Studies with given parameters and values, for evaluators checked by hand."""

from __future__ import annotations

from collections.abc import Sequence

import hpint
from hpint.distributions import FloatDistribution
from hpint.trial import TrialState, create_trial


def study_of(
    values: Sequence[float | None],
    xs: Sequence[float] | None = None,
    direction: str = "minimize",
    scores: Sequence[Sequence[float] | None] | None = None,
) -> hpint.Study:
    """A study whose trial ``i`` has ``x = xs[i]`` and value ``values[i]`` (``None``: a FAIL trial).

    ``scores[i]`` (if given and not None) is stored as the trial's cross-validation scores.
    """
    study = hpint.create_study(direction=direction)
    xs = list(xs) if xs is not None else [i / max(len(values), 1) for i in range(len(values))]
    for i, (value, x) in enumerate(zip(values, xs)):
        attrs = {}
        if scores is not None and scores[i] is not None:
            attrs["terminator:cv_scores"] = list(scores[i])
        study.add_trial(
            create_trial(
                state=TrialState.COMPLETE if value is not None else TrialState.FAIL,
                value=value,
                params={"x": x},
                distributions={"x": FloatDistribution(0.0, 1.0)},
                system_attrs=attrs,
            )
        )
    return study
