"""hpint: define-by-run hyperparameter optimisation for deep learning, compatible with Optuna's API.

>>> import hpint
>>> def objective(trial):
...     x = trial.suggest_float("x", -10, 10)
...     return (x - 2) ** 2
>>> study = hpint.create_study()
>>> study.optimize(objective, n_trials=20)

Heavy dependencies (numpy, SQLAlchemy, pandas, trainer frameworks) load only when used.
"""

from typing import Any

from hpint import (  # noqa: I001 - trial before storages and study
    distributions,
    exceptions,
    logging,
    storages,
    study,
    trial,
)
from hpint.exceptions import TrialPruned
from hpint.study import (
    MaxTrialsCallback,
    Study,
    StudyDirection,
    StudySummary,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hpint.trial import FixedTrial, FrozenTrial, Trial, TrialState, create_trial
from hpint.version import __version__

__all__ = [
    "FixedTrial",
    "FrozenTrial",
    "MaxTrialsCallback",
    "Study",
    "StudyDirection",
    "StudySummary",
    "Trial",
    "TrialPruned",
    "TrialState",
    "__version__",
    "artifacts",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "importance",
    "integration",
    "load_study",
    "logging",
    "multi_objective",
    "pruners",
    "samplers",
    "search_space",
    "storages",
    "study",
    "terminator",
    "trial",
    "visualization",
]


# Loaded on first use: the samplers and pruners are many modules (and ``import hpint`` should be quick);
# the integration modules import trainer frameworks.
_LAZY_SUBMODULES = (
    "artifacts",
    "importance",
    "integration",
    "integrations",
    "multi_objective",
    "pruners",
    "samplers",
    "search_space",
    "terminator",
    "visualization",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"hpint.{name}")
    raise AttributeError(f"module 'hpint' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
