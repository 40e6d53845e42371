"""plot_intermediate_values: one line per trial equal to its reported curve, pruned trials dashed."""

from __future__ import annotations

import numpy as np

import hpint
from hpint.trial import TrialState, create_trial
from hpint.visualization.matplotlib import plot_intermediate_values


def _study() -> hpint.Study:
    study = hpint.create_study()
    study.add_trial(create_trial(value=0.3, intermediate_values={0: 1.0, 2: 0.5, 1: 0.8}))
    study.add_trial(create_trial(state=TrialState.PRUNED, intermediate_values={0: 2.0, 1: 1.9}))
    study.add_trial(create_trial(value=1.0))  # reported nothing: no line
    study.add_trial(create_trial(state=TrialState.FAIL, intermediate_values={0: 9.0}))  # failed: left out
    return study


def test_lines_are_the_reported_curves_sorted_by_step() -> None:
    ax = plot_intermediate_values(_study())
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"Trial 0", "Trial 1 (pruned)"}
    np.testing.assert_array_equal(lines["Trial 0"].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(lines["Trial 0"].get_ydata(), [1.0, 0.8, 0.5])
    np.testing.assert_array_equal(lines["Trial 1 (pruned)"].get_ydata(), [2.0, 1.9])


def test_pruned_trials_are_dashed_and_listed_in_the_legend() -> None:
    ax = plot_intermediate_values(_study())
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert lines["Trial 0"].get_linestyle() == "-"
    assert lines["Trial 1 (pruned)"].get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Complete or running", "Pruned"]


def test_running_trials_are_drawn() -> None:
    study = hpint.create_study()
    trial = study.ask()
    trial.report(0.7, 0)
    (line,) = plot_intermediate_values(study).get_lines()
    assert line.get_label() == "Trial 0" and list(line.get_ydata()) == [0.7]


def test_no_reports_gives_an_empty_plot() -> None:
    study = hpint.create_study()
    study.add_trial(create_trial(value=1.0))
    assert not plot_intermediate_values(study).get_lines()
