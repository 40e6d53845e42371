"""plotly figures of the Pareto front and the timeline: the traces hold the trials' values and times."""

from __future__ import annotations

import datetime

import pytest

import hpint
from hpint.trial import TrialState, create_trial
from hpint.visualization import plot_pareto_front, plot_timeline

pytest.importorskip("plotly")

# multi_study's values (minimize, maximize); the non-dominated ones are trials 0, 1 and 3.
BEST = [(1.0, 1.0), (2.0, 3.0), (0.5, 0.2)]
DOMINATED = [(3.0, 2.0), (2.5, 3.0)]


def _points(trace) -> list[tuple]:
    return list(zip(trace.x, trace.y))


def test_pareto_front_traces_split_best_from_dominated(multi_study) -> None:
    multi_study.add_trial(create_trial(state=TrialState.PRUNED))
    fig = plot_pareto_front(multi_study)
    dominated, best = fig.data
    assert (dominated.name, best.name) == ("Trial", "Best Trial")
    assert _points(best) == BEST and _points(dominated) == DOMINATED
    assert list(best.marker.color) == [0, 1, 3] and list(dominated.marker.color) == [2, 4]  # trial numbers
    assert {tuple(t.values) for t in multi_study.best_trials} == set(_points(best))
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Objective 0", "Objective 1")
    assert fig.layout.title.text == "Pareto-front Plot"
    assert '"number": 0' in best.text[0]  # the tooltip names the trial


def test_pareto_front_names_dominated_and_targets(multi_study) -> None:
    multi_study.set_metric_names(["loss", "accuracy"])
    fig = plot_pareto_front(multi_study, include_dominated_trials=False)
    assert len(fig.data[0].x) == 0 and _points(fig.data[1]) == BEST
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("loss", "accuracy")
    fig = plot_pareto_front(
        multi_study, targets=lambda t: (10 * t.values[0], t.values[1]), target_names=["a", "b"]
    )
    assert _points(fig.data[1]) == [(10 * a, b) for a, b in BEST]
    assert fig.layout.xaxis.title.text == "a"


def test_pareto_front_constraints_add_an_infeasible_trace() -> None:
    study = hpint.create_study(directions=["minimize", "minimize"])
    study.add_trial(create_trial(values=[0.0, 0.0], system_attrs={"constraints": [1.0]}))
    study.add_trial(create_trial(values=[1.0, 1.0], system_attrs={"constraints": [0.0]}))
    fig = plot_pareto_front(study)
    assert [t.name for t in fig.data] == ["Infeasible Trial", "Trial", "Best Trial"]
    assert _points(fig.data[0]) == [(0.0, 0.0)] and _points(fig.data[2]) == [(1.0, 1.0)]
    fig = plot_pareto_front(study, constraints_func=lambda t: [t.values[0] - 0.5])
    assert _points(fig.data[0]) == [(1.0, 1.0)] and _points(fig.data[2]) == [(0.0, 0.0)]


def test_pareto_front_three_objectives_and_errors(study, multi_study) -> None:
    three = hpint.create_study(directions=["minimize"] * 3)
    for values in [(1, 2, 3), (3, 2, 1), (3, 3, 3)]:
        three.add_trial(create_trial(values=list(map(float, values))))
    fig = plot_pareto_front(three)
    assert [t.type for t in fig.data] == ["scatter3d", "scatter3d"]
    assert list(zip(fig.data[1].x, fig.data[1].y, fig.data[1].z)) == [(1, 2, 3), (3, 2, 1)]
    assert fig.layout.scene.zaxis.title.text == "Objective 2"
    with pytest.raises(ValueError, match="2 or 3"):
        plot_pareto_front(study)
    with pytest.raises(ValueError, match="`target_names`"):
        plot_pareto_front(multi_study, target_names=["only one"])
    empty = plot_pareto_front(hpint.create_study(directions=["minimize", "maximize"]))
    assert all(len(t.x) == 0 for t in empty.data)


T0 = datetime.datetime(2026, 1, 1, 12, 0, 0)


def _timeline_study() -> hpint.Study:
    study = hpint.create_study()
    states = [
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.FAIL,
        TrialState.COMPLETE,
        TrialState.COMPLETE,
    ]
    for i, state in enumerate(states):
        attrs = {"constraints": [1.0]} if i == 4 else {}
        trial = create_trial(
            state=state, value=1.0 if state == TrialState.COMPLETE else None, system_attrs=attrs
        )
        trial.datetime_start = T0 + datetime.timedelta(seconds=10 * i)
        trial.datetime_complete = T0 + datetime.timedelta(seconds=10 * i + 5 + i)
        study.add_trial(trial)
    study.add_trial(create_trial(state=TrialState.WAITING))  # not started: no bar
    return study


def test_timeline_one_bar_per_started_trial_by_state() -> None:
    fig = plot_timeline(_timeline_study())
    bars = {t.name: t for t in fig.data}
    assert list(bars) == ["INFEASIBLE", "COMPLETE", "FAIL", "PRUNED"]
    assert (
        list(bars["COMPLETE"].y) == [0, 3]
        and list(bars["PRUNED"].y) == [1]
        and list(bars["INFEASIBLE"].y) == [4]
    )
    assert list(bars["COMPLETE"].x) == [5000.0, 8000.0]  # durations in milliseconds
    assert list(bars["COMPLETE"].base) == [T0.isoformat(), (T0 + datetime.timedelta(seconds=30)).isoformat()]
    assert all(t.orientation == "h" for t in fig.data)
    assert fig.layout.xaxis.type == "date" and fig.layout.title.text == "Timeline Plot"
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Datetime", "Trial")


def test_timeline_running_recent_and_empty() -> None:
    study = hpint.create_study()
    study.ask()
    (bar,) = plot_timeline(study).data
    end = datetime.datetime.fromisoformat(bar.base[0]) + datetime.timedelta(milliseconds=bar.x[0])
    assert bar.name == "RUNNING" and abs((end - datetime.datetime.now()).total_seconds()) < 1.0
    fig = plot_timeline(_timeline_study(), n_recent_trials=2)
    assert sorted(y for t in fig.data for y in t.y) == [3, 4]
    with pytest.raises(ValueError, match="`n_recent_trials`"):
        plot_timeline(study, n_recent_trials=0)
    assert plot_timeline(hpint.create_study()).data == ()
