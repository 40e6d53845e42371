"""The shared helpers: parameter checks, target checks, axis kinds, and the missing-matplotlib error."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import hpint.visualization.matplotlib
from hpint.visualization import _common


def test_resolve_params_checks_names(study) -> None:
    trials = study.trials
    assert _common.resolve_params(trials, None) == ["kind", "lr", "x"]
    assert _common.resolve_params(trials, ["x", "lr"]) == ["x", "lr"]
    with pytest.raises(ValueError, match=r"Parameter 'nope' in `params`.*\['kind', 'lr', 'x'\]"):
        _common.resolve_params(trials, ["nope"])


def test_check_target_names_the_argument(multi_study, study) -> None:
    with pytest.raises(ValueError, match="2 objectives.*pass `target`"):
        _common.check_target(multi_study, None)
    with pytest.raises(TypeError, match="`target`"):
        _common.check_target(study, "values")
    _common.check_target(study, None)
    _common.check_target(multi_study, lambda t: t.values[0])


def test_param_axis_kinds_and_encoding(study) -> None:
    trials = study.get_trials(states=(hpint.TrialState.COMPLETE,))
    assert _common.param_axis(trials, "x").kind == "linear"
    lr = _common.param_axis(trials, "lr")
    assert lr.kind == "log"
    np.testing.assert_allclose(lr.to_space(lr.encode([1e-3, 1e-1])), [-3.0, -1.0])
    kind = _common.param_axis(trials, "kind")
    assert kind.kind == "categorical" and kind.choices == ["adam", "sgd", None]
    np.testing.assert_array_equal(kind.encode([None, "adam"]), [2.0, 0.0])


def test_finite_values_drops_nan_and_inf(study) -> None:
    trials = study.get_trials(states=(hpint.TrialState.COMPLETE,))
    values = iter([1.0, float("nan"), 2.0, float("inf"), 3.0, 4.0])
    kept, arr = _common.finite_values(trials, lambda t: next(values))
    assert [t.number for t in kept] == [0, 2, 4, 5] and list(arr) == [1.0, 2.0, 3.0, 4.0]


def test_missing_matplotlib_names_the_extra(monkeypatch, study) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    assert hpint.visualization.matplotlib.is_available() is False
    with pytest.raises(ImportError, match=r'pip install "hpint\[plot\]"'):
        hpint.visualization.matplotlib.plot_optimization_history(study)


def _backend_after_a_plot(env: dict[str, str], before: str = "") -> str:
    """The backend in a fresh interpreter after drawing a plot (``before`` runs first)."""
    import os
    import subprocess

    code = (
        f"{before}\nimport hpint, matplotlib\nfrom hpint.visualization import plot_edf\n"
        "plot_edf(hpint.create_study())\nprint(matplotlib.get_backend().lower())\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="headless means no DISPLAY on Linux")
def test_plots_draw_headless_and_keep_the_chosen_backend() -> None:
    assert _backend_after_a_plot({}) == "agg"
    assert _backend_after_a_plot({"MPLBACKEND": "svg"}) == "svg"
    assert _backend_after_a_plot({}, before="import matplotlib; matplotlib.use('pdf')") == "pdf"
