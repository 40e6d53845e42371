"""The package surface: plotly in ``hpint.visualization``, matplotlib in its ``matplotlib`` subpackage.

Signatures are Optuna 5.0.0's (read with ``inspect.signature`` from ``optuna.visualization``); the
libraries are imported only when a plot is drawn, and a missing one names the extra to install.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import hpint
import hpint.visualization
import hpint.visualization.matplotlib

_P = inspect.Parameter
_TARGET = [("target", _P.KEYWORD_ONLY, None), ("target_name", _P.KEYWORD_ONLY, "Objective Value")]
_PARAMS = [("study", _P.POSITIONAL_OR_KEYWORD, _P.empty), ("params", _P.POSITIONAL_OR_KEYWORD, None)]
_STUDIES = [("study", _P.POSITIONAL_OR_KEYWORD, _P.empty)]

#: (name, kind, default) of each parameter, as in optuna.visualization 5.0.0.
OPTUNA_SIGNATURES = {
    "plot_contour": _PARAMS + _TARGET,
    "plot_edf": _STUDIES + _TARGET,
    "plot_hypervolume_history": _STUDIES + [("reference_point", _P.POSITIONAL_OR_KEYWORD, _P.empty)],
    "plot_intermediate_values": _STUDIES,
    "plot_optimization_history": _STUDIES + _TARGET + [("error_bar", _P.KEYWORD_ONLY, False)],
    "plot_parallel_coordinate": _PARAMS + _TARGET,
    "plot_param_importances": [
        ("study", _P.POSITIONAL_OR_KEYWORD, _P.empty),
        ("evaluator", _P.POSITIONAL_OR_KEYWORD, None),
        ("params", _P.POSITIONAL_OR_KEYWORD, None),
        *_TARGET,
    ],
    "plot_pareto_front": _STUDIES
    + [
        ("target_names", _P.KEYWORD_ONLY, None),
        ("include_dominated_trials", _P.KEYWORD_ONLY, True),
        ("constraints_func", _P.KEYWORD_ONLY, None),
        ("targets", _P.KEYWORD_ONLY, None),
    ],
    "plot_rank": _PARAMS + _TARGET,
    "plot_slice": _PARAMS + _TARGET,
    "plot_terminator_improvement": _STUDIES
    + [
        ("plot_error", _P.POSITIONAL_OR_KEYWORD, False),
        ("improvement_evaluator", _P.POSITIONAL_OR_KEYWORD, None),
        ("error_evaluator", _P.POSITIONAL_OR_KEYWORD, None),
        ("min_n_trials", _P.POSITIONAL_OR_KEYWORD, 20),
    ],
    "plot_timeline": _STUDIES + [("n_recent_trials", _P.POSITIONAL_OR_KEYWORD, None)],
}

#: Parameters hpint has beyond Optuna's (keyword-only, defaulted, after Optuna's).
EXTRAS = {"plot_pareto_front": [("axis_order", _P.KEYWORD_ONLY, None)]}

MODULES = [hpint.visualization, hpint.visualization.matplotlib]


@pytest.mark.parametrize("module", MODULES, ids=["plotly", "matplotlib"])
@pytest.mark.parametrize("name", sorted(OPTUNA_SIGNATURES))
def test_signatures_are_optunas(module, name) -> None:
    parameters = inspect.signature(getattr(module, name)).parameters.values()
    got = [(p.name, p.kind, p.default) for p in parameters]
    assert got == OPTUNA_SIGNATURES[name] + EXTRAS.get(name, [])


def test_both_modules_export_every_plot_and_is_available() -> None:
    for module in MODULES:
        for name in [*OPTUNA_SIGNATURES, "is_available"]:
            assert name in module.__all__ and callable(getattr(module, name))
    for name in OPTUNA_SIGNATURES:  # two backends: two different functions
        assert getattr(hpint.visualization, name) is not getattr(hpint.visualization.matplotlib, name)
    assert hpint.visualization.is_available() is True
    assert hpint.visualization.matplotlib.is_available() is True


def test_plotly_plots_return_figures_and_matplotlib_ones_axes(study) -> None:
    import plotly.graph_objects as go
    from matplotlib.axes import Axes

    assert isinstance(hpint.visualization.plot_optimization_history(study), go.Figure)
    assert isinstance(hpint.visualization.matplotlib.plot_optimization_history(study), Axes)


def _loaded(code: str) -> list[str]:
    probe = (
        f"{code}\nimport sys\n"
        "print(' '.join(m for m in ('plotly', 'matplotlib', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_import_loads_neither_plotting_library() -> None:
    assert _loaded("import hpint.visualization, hpint.visualization.matplotlib") == []
    assert _loaded("import hpint; hpint.visualization.plot_slice") == []


def test_each_backend_loads_only_its_library() -> None:
    study = "s = hpint.create_study(); s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)"
    plotly_loaded = _loaded(f"import hpint\n{study}\nhpint.visualization.plot_optimization_history(s)")
    assert "plotly" in plotly_loaded and "matplotlib" not in plotly_loaded
    mpl_loaded = _loaded(
        f"import hpint\n{study}\nhpint.visualization.matplotlib.plot_optimization_history(s)"
    )
    assert "matplotlib" in mpl_loaded and "plotly" not in mpl_loaded


@pytest.mark.parametrize("name", sorted(OPTUNA_SIGNATURES))
def test_missing_plotly_names_the_extra(monkeypatch, name) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)  # makes `import plotly` fail
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    assert hpint.visualization.is_available() is False
    args = ([1.0, 1.0],) if name == "plot_hypervolume_history" else ()
    with pytest.raises(ImportError, match=r'pip install "hpint\[plotly\]"'):
        getattr(hpint.visualization, name)(hpint.create_study(), *args)
