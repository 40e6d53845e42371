"""Pruners: stop unpromising trials early from their intermediate values."""

from hpint.pruners._base import BasePruner
from hpint.pruners._hyperband import HyperbandPruner
from hpint.pruners._median import MedianPruner
from hpint.pruners._nop import NopPruner
from hpint.pruners._patient import PatientPruner
from hpint.pruners._percentile import PercentilePruner
from hpint.pruners._successive_halving import SuccessiveHalvingPruner
from hpint.pruners._threshold import ThresholdPruner
from hpint.pruners._wilcoxon import WilcoxonPruner

__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]
