"""The steps every forest-based evaluator shares: select trials, encode, handle degenerate studies."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from hpint.importance import _transform

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial


def evaluate_params(
    study: Study,
    params: list[str] | None,
    target: Callable[[FrozenTrial], float] | None,
    importances_of: Callable[[_transform.EncodedTrials], np.ndarray],
) -> dict[str, float]:
    """Importances from ``importances_of`` (one per column of its input), most important first.

    Parameters whose distribution allows one value cannot explain anything: they get 0 and stay out of
    the model. A lone parameter explains everything there is (1.0). With fewer than two usable trials
    nothing can be estimated: every importance is 0 (with a warning), as in Optuna.
    """
    target_of = _transform.target_function(study, target)
    trials, space = _transform.select(study, params)
    if len(space) <= 1:
        return {name: 1.0 for name in space}
    varying = {name: dist for name, dist in space.items() if not dist.single()}
    result = dict.fromkeys(space, 0.0)
    encoded = _transform.encode(trials, varying, target_of)
    if len(encoded.y) < 2:
        warnings.warn(
            f"Only {len(encoded.y)} completed trial(s) with a finite target: every importance is 0. "
            "Run more trials to estimate importances.",
            stacklevel=3,
        )
    elif varying:
        result.update(zip(encoded.params, (float(v) for v in importances_of(encoded))))
    return dict(sorted(result.items(), key=lambda item: -item[1]))
