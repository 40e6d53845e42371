"""Trials: one evaluation of the objective, live (:class:`Trial`), recorded or given by hand."""

from hpint.trial._base import BaseTrial
from hpint.trial._fixed import FixedTrial
from hpint.trial._frozen import FrozenTrial, create_trial
from hpint.trial._state import TrialState
from hpint.trial._trial import Trial

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
