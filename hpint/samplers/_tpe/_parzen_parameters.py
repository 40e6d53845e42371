"""Settings of the Parzen estimators (kept apart from the numpy code so importing hpint stays light)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class ParzenParameters:
    """How kernels are built.

    Attributes:
        consider_prior: add a broad kernel centred on the space (keeps exploring).
        prior_weight: the prior kernel's weight, relative to one observation's.
        consider_magic_clip: keep bandwidths at least ``1 / min(100, n_kernels)`` of the range, so a few
            close observations do not make needle-thin kernels.
        consider_endpoints: let the bounds count as neighbours when sizing the outermost kernels.
        bandwidth: ``"neighbor"`` (each kernel as wide as the gap to its farther neighbour) or ``"scott"``
            (one width for all, shrinking as ``n ** (-1 / (d + 4))``).
    """

    consider_prior: bool = True
    prior_weight: float = 1.0
    consider_magic_clip: bool = True
    consider_endpoints: bool = False
    bandwidth: str = "neighbor"
