"""plot_hypervolume_history: the dominated volume after each complete, feasible trial."""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint._hypervolume import hypervolume
from hpint.trial import TrialState, create_trial
from hpint.trial._constraints import CONSTRAINTS_KEY
from hpint.visualization._hypervolume_history import hypervolume_history
from hpint.visualization.matplotlib import plot_hypervolume_history


def _study() -> hpint.Study:
    """Objective 0 minimized, objective 1 maximized; reference point (4, 0)."""
    study = hpint.create_study(directions=["minimize", "maximize"])
    for values in [(1.0, 3.0), (2.0, 4.0), (0.5, 1.0), (3.0, 2.0), (5.0, 10.0)]:
        study.add_trial(create_trial(values=list(values)))
    infeasible = create_trial(values=[0.0, 10.0], system_attrs={CONSTRAINTS_KEY: [1.0]})
    study.add_trial(infeasible)
    study.add_trial(create_trial(state=TrialState.PRUNED))
    return study


def test_curve_is_the_hand_computed_volume_after_each_trial() -> None:
    ax = plot_hypervolume_history(_study(), reference_point=[4.0, 0.0])
    (line,) = ax.get_lines()
    # (1, 3): 3 x 3; (2, 4) adds 2 x 1; (0.5, 1) adds 0.5 x 1; (3, 2) is dominated; (5, 10) is worse
    # than the reference in objective 0; the infeasible and the pruned trial are left out.
    assert list(line.get_xdata()) == [0, 1, 2, 3, 4]
    assert list(line.get_ydata()) == pytest.approx([9.0, 11.0, 11.5, 11.5, 11.5])


def test_history_equals_the_volume_of_every_prefix() -> None:
    rng = np.random.default_rng(0)
    loss = rng.random((60, 3))
    reference = np.full(3, 1.1)
    expected = [hypervolume(loss[: i + 1], reference) for i in range(len(loss))]
    assert hypervolume_history(loss, reference) == pytest.approx(expected)


def test_bad_arguments_name_what_is_wrong() -> None:
    single = hpint.create_study()
    with pytest.raises(ValueError, match="one objective"):
        plot_hypervolume_history(single, reference_point=[1.0])
    with pytest.raises(ValueError, match=r"`reference_point` must hold 2 finite values.*\[1\.0\]"):
        plot_hypervolume_history(_study(), reference_point=[1.0])
    with pytest.raises(ValueError, match="`reference_point`.*nan"):
        plot_hypervolume_history(_study(), reference_point=[1.0, float("nan")])


def test_empty_study_gives_an_empty_plot() -> None:
    ax = plot_hypervolume_history(hpint.create_study(directions=["minimize"] * 2), [1.0, 1.0])
    assert ax.get_lines() == []
