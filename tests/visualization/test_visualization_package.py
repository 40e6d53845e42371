"""The package surface: Optuna's names in both modules, and no matplotlib import until a plot is drawn."""

from __future__ import annotations

import subprocess
import sys

import hpint.visualization
import hpint.visualization.matplotlib

PLOTS = [
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_slice",
    "plot_timeline",
]


def test_both_modules_export_the_same_functions() -> None:
    for name in [*PLOTS, "is_available"]:
        assert getattr(hpint.visualization, name) is getattr(hpint.visualization.matplotlib, name)
        assert name in hpint.visualization.__all__ and name in hpint.visualization.matplotlib.__all__
    assert hpint.visualization.is_available() is True


def test_import_does_not_load_matplotlib() -> None:
    code = (
        "import sys, hpint.visualization, hpint.visualization.matplotlib\n"
        "loaded = sorted(m for m in sys.modules if m == 'matplotlib' or m.startswith('matplotlib.'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
