"""A change to one trial, applied by a storage in one atomic step."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from hpint.distributions import BaseDistribution
from hpint.trial._state import TrialState


@dataclasses.dataclass
class TrialUpdate:
    """Changes to apply to one trial in one atomic step. ``None`` fields are left unchanged.

    ``params`` maps a name to ``(internal_value, distribution)``; ``intermediate_values`` maps a step to a
    value. A ``state`` of RUNNING is a claim: it succeeds only on a WAITING trial (see
    :meth:`BaseStorage.update_trial`).
    """

    state: TrialState | None = None
    values: Sequence[float] | None = None
    params: dict[str, tuple[float, BaseDistribution]] | None = None
    intermediate_values: dict[int, float] | None = None
    user_attrs: dict[str, Any] | None = None
    system_attrs: dict[str, Any] | None = None

    def is_report(self) -> bool:
        """Intermediate values and nothing else: what ``trial.report`` writes every epoch.

        Storages give such an update a shorter path (it changes no state and needs no fsync).
        """
        return (
            bool(self.intermediate_values)
            and self.state is None
            and self.values is None
            and not self.params
            and not self.user_attrs
            and not self.system_attrs
        )

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, {}) for f in dataclasses.fields(self))

    def merge(self, later: TrialUpdate) -> TrialUpdate:
        """This update followed by ``later``, as one update."""

        def join(a: dict | None, b: dict | None) -> dict | None:
            if a is None:
                return b
            if b is None:
                return a
            return {**a, **b}

        return TrialUpdate(
            state=later.state if later.state is not None else self.state,
            values=later.values if later.values is not None else self.values,
            params=join(self.params, later.params),
            intermediate_values=join(self.intermediate_values, later.intermediate_values),
            user_attrs=join(self.user_attrs, later.user_attrs),
            system_attrs=join(self.system_attrs, later.system_attrs),
        )
