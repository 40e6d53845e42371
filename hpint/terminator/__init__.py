"""Automatic termination: stop a study when further trials are unlikely to beat the objective's noise.

>>> import hpint
>>> from hpint.terminator import BestValueStagnationEvaluator, Terminator, TerminatorCallback
>>> study = hpint.create_study()
>>> stop_when_stuck = TerminatorCallback(Terminator(BestValueStagnationEvaluator(10), min_n_trials=5))
>>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=500, callbacks=[stop_when_stuck])

The default :class:`Terminator` compares a Gaussian-process bound on the regret
(:class:`RegretBoundEvaluator`, needs ``hpint[scipy]``) with the cross-validation error of the best trial
(recorded by :func:`report_cross_validation_scores`). Optuna's names and signatures.
"""

from hpint.terminator._base import BaseErrorEvaluator, BaseImprovementEvaluator, BaseTerminator
from hpint.terminator._callback import TerminatorCallback
from hpint.terminator._cross_validation import CrossValidationErrorEvaluator, report_cross_validation_scores
from hpint.terminator._emmr import EMMREvaluator
from hpint.terminator._median import MedianErrorEvaluator
from hpint.terminator._regret_bound import RegretBoundEvaluator
from hpint.terminator._stagnation import BestValueStagnationEvaluator
from hpint.terminator._static import StaticErrorEvaluator
from hpint.terminator._terminator import Terminator

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]
