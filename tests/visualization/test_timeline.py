"""plot_timeline: one bar per started trial, from its start to its end, coloured by state."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.dates import date2num

import hpint
from hpint.trial import TrialState, create_trial
from hpint.visualization.matplotlib import plot_timeline
from hpint.visualization.matplotlib._timeline import STATE_COLORS

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


def _study() -> hpint.Study:
    study = hpint.create_study()
    for i, state in enumerate([TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.COMPLETE]):
        trial = create_trial(state=state, value=1.0 if state == TrialState.COMPLETE else None)
        trial.datetime_start = T0 + datetime.timedelta(seconds=10 * i)
        trial.datetime_complete = T0 + datetime.timedelta(seconds=10 * i + 5 + i)
        study.add_trial(trial)
    study.add_trial(create_trial(state=TrialState.WAITING))  # not started: no bar
    return study


def test_one_bar_per_started_trial_from_start_to_end() -> None:
    ax = plot_timeline(_study())
    bars = sorted(ax.patches, key=lambda p: p.get_y())
    assert len(bars) == 4
    for i, bar in enumerate(bars):
        assert bar.get_x() == pytest.approx(date2num(T0 + datetime.timedelta(seconds=10 * i)))
        assert bar.get_width() * 86400 == pytest.approx(5 + i, abs=1e-3)
        assert bar.get_y() + bar.get_height() / 2 == pytest.approx(i)


def test_bars_are_coloured_by_state_with_a_legend() -> None:
    ax = plot_timeline(_study())
    colors = [tuple(p.get_facecolor()) for p in sorted(ax.patches, key=lambda p: p.get_y())]
    expected = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.COMPLETE]
    assert colors == [to_rgba(STATE_COLORS[s]) for s in expected]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"COMPLETE", "PRUNED", "FAIL"}


def test_running_trial_bar_ends_now() -> None:
    study = hpint.create_study()
    study.ask()
    (bar,) = plot_timeline(study).patches
    assert bar.get_x() + bar.get_width() == pytest.approx(date2num(datetime.datetime.now()), abs=1 / 86400)


def test_n_recent_trials_and_its_validation() -> None:
    ax = plot_timeline(_study(), n_recent_trials=2)
    np.testing.assert_allclose(sorted(p.get_y() + p.get_height() / 2 for p in ax.patches), [2, 3])
    with pytest.raises(ValueError, match="`n_recent_trials`"):
        plot_timeline(_study(), n_recent_trials=0)


def test_empty_study() -> None:
    assert not plot_timeline(hpint.create_study()).patches
