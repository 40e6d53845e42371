"""The journal backend contract: an append-only sequence of JSON-serialisable records."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any

__all__ = ["BaseJournalBackend", "BaseJournalLogStorage"]


class BaseJournalBackend(abc.ABC):
    """Where a :class:`~hpint.storages.JournalStorage` keeps its log: records numbered 0, 1, 2, ...

    Every process appends its operations and replays everyone's, in log order. The one guarantee a backend
    must give is a single order: every reader sees the same records under the same numbers, and a record,
    once readable, never changes.
    """

    @abc.abstractmethod
    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        """The records numbered ``log_number_from`` and later, in order (empty when there are none).

        A storage calls this before each read with the number of records it has replayed, so a backend
        should make a read of a short tail cheap (not a re-read of the whole log).
        """

    @abc.abstractmethod
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` after every existing record, in order."""


class BaseJournalLogStorage(BaseJournalBackend):
    """Optuna's pre-4.0 name of :class:`BaseJournalBackend`, kept so that old subclasses still work."""
