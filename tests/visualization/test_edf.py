"""plot_edf: a step curve per study, rising monotonically from 0 to 1 over the values' common range."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.trial import create_trial
from hpint.visualization._edf import edf_steps
from hpint.visualization.matplotlib import plot_edf


def test_curve_is_monotone_from_zero_to_one_and_steps_at_each_value(study) -> None:
    (line,) = plot_edf(study).get_lines()
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert y[0] == 0.0 and y[-1] == 1.0 and np.all(np.diff(y) >= 0)
    assert line.get_drawstyle() == "steps-post"
    # The share of values <= v, read off the step curve at each value v.
    values = np.array([3.0, 5.0, 1.0, 4.0, 0.5, 2.0])
    for v in values:
        assert y[np.searchsorted(x, v, side="right") - 1] == pytest.approx(np.mean(values <= v))


def test_several_studies_share_the_x_range(study) -> None:
    other = hpint.create_study(study_name="other")
    for v in [10.0, 20.0]:
        other.add_trial(create_trial(value=v))
    lines = plot_edf([study, other]).get_lines()
    assert [ln.get_label() for ln in lines] == [study.study_name, "other"]
    for line in lines:
        assert line.get_xdata()[0] == 0.5 and line.get_xdata()[-1] == 20.0


def test_edf_steps_by_hand() -> None:
    xs, ys = edf_steps(np.array([2.0, 1.0]), 0.0, 3.0)
    np.testing.assert_array_equal(xs, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ys, [0.0, 0.5, 1.0, 1.0])


def test_target_errors_and_empty(multi_study) -> None:
    with pytest.raises(ValueError, match="`target`"):
        plot_edf(multi_study)
    (line,) = plot_edf(multi_study, target=lambda t: t.values[0]).get_lines()
    assert line.get_xdata()[-1] == 3.0
    assert not plot_edf(hpint.create_study()).get_lines()
