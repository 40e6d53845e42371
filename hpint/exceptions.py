"""The exceptions hpint raises, in one hierarchy.

Every error hpint raises on purpose derives from :class:`HpintError`, so
``except hpint.exceptions.HpintError`` catches all of them. Several also derive from the built-in that
Optuna users already catch (``KeyError`` for a missing study, ``RuntimeError`` for a finished trial),
so scripts written for Optuna keep working with ``import hpint as optuna``.
"""

from __future__ import annotations

__all__ = [
    "HpintError",
    "OptunaError",
    "TrialPruned",
    "DuplicatedStudyError",
    "StudyNotFoundError",
    "StorageInternalError",
    "StorageSchemaError",
    "UpdateFinishedTrialError",
    "CLIUsageError",
    "ExperimentalWarning",
]


class HpintError(Exception):
    """Base class of every exception hpint raises on purpose."""


#: Alias so that ``except optuna.exceptions.OptunaError`` works after ``import hpint as optuna``.
OptunaError = HpintError


class TrialPruned(HpintError):
    """Raised inside an objective to end the trial as PRUNED.

    Not an error: :meth:`hpint.Study.optimize` catches it and records the trial as pruned, keeping its
    intermediate values.
    """


class DuplicatedStudyError(HpintError):
    """A study with that name already exists in the storage (pass ``load_if_exists=True`` to resume it)."""


class StudyNotFoundError(HpintError, KeyError):
    """No study with that name or id exists in the storage."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it readable.
        return str(self.args[0]) if self.args else ""


class StorageInternalError(HpintError):
    """The storage backend failed (connection lost, transaction aborted) and the operation was rolled back."""


class StorageSchemaError(HpintError, RuntimeError):
    """The database's schema is not this hpint's: another hpint version's (run ``hpint storage upgrade``),
    or Optuna's (copy its studies with ``hpint storage import-optuna``)."""


class UpdateFinishedTrialError(HpintError, RuntimeError):
    """A finished trial (COMPLETE, PRUNED, FAIL) was asked to change; finished trials are immutable."""


class CLIUsageError(HpintError):
    """The command line was used wrongly."""


class ExperimentalWarning(Warning):
    """Warns that a feature's interface may still change; Optuna's category of the same name.

    Issued when a genetic sampler is given one of the strategy hooks whose signatures Optuna marks
    experimental (``child_generation_strategy``, ...). Scripts written for Optuna that silence it,
    ``warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)``, work unchanged.
    Not an error, so not an :class:`HpintError`.
    """
