"""The public names and signatures match Optuna's ``optuna.terminator`` (when Optuna is installed)."""

from __future__ import annotations

import inspect

import pytest

import hpint.terminator


def test_names_match_optuna():
    optuna_terminator = pytest.importorskip("optuna.terminator")
    assert set(hpint.terminator.__all__) == set(optuna_terminator.__all__)


def _parameters(obj) -> list[tuple[str, object]]:
    signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    return [(p.name, p.default) for p in signature.parameters.values() if p.name != "self"]


@pytest.mark.parametrize("name", sorted(hpint.terminator.__all__))
def test_signatures_match_optuna(name):
    optuna_terminator = pytest.importorskip("optuna.terminator")
    ours, theirs = getattr(hpint.terminator, name), getattr(optuna_terminator, name)
    theirs = getattr(theirs, "__wrapped__", theirs)  # Optuna's experimental decorator
    if inspect.isclass(ours):
        for method in ("evaluate", "should_terminate"):
            if hasattr(theirs, method):
                assert _parameters(getattr(ours, method)) == _parameters(getattr(theirs, method))
    if _parameters(theirs) not in ([("args", inspect.Parameter.empty), ("kwargs", inspect.Parameter.empty)],):
        assert _parameters(ours) == _parameters(theirs)
