"""The exception hierarchy, and Optuna's names in it."""

from __future__ import annotations

import warnings

import pytest

import hpint
from hpint import exceptions


def test_every_listed_name_exists_and_errors_derive_from_hpint_error() -> None:
    for name in exceptions.__all__:
        obj = getattr(exceptions, name)
        if not issubclass(obj, Warning):
            assert issubclass(obj, exceptions.HpintError), name


def test_experimental_warning_is_a_warning_that_filters_can_silence() -> None:
    assert issubclass(exceptions.ExperimentalWarning, Warning)
    assert not issubclass(exceptions.ExperimentalWarning, exceptions.HpintError)
    assert "ExperimentalWarning" in exceptions.__all__
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("shown", exceptions.ExperimentalWarning, stacklevel=1)
        warnings.simplefilter("ignore", hpint.exceptions.ExperimentalWarning)
        warnings.warn("silenced", exceptions.ExperimentalWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["shown"]


def test_optunas_exception_names_are_all_here() -> None:
    optuna = pytest.importorskip("optuna")
    theirs = {
        name
        for name, obj in vars(optuna.exceptions).items()
        if isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == "optuna.exceptions"
    }
    assert theirs <= set(dir(exceptions)), theirs - set(dir(exceptions))
