"""plotly figures of the value over parameters: slice, contour, parallel coordinates, importances.

The traces must carry the trials' parameters and values; log parameters get log axes, categorical ones
their choices as labels.
"""

from __future__ import annotations

import numpy as np
import pytest

import hpint
from hpint.trial import TrialState, create_trial
from hpint.visualization import plot_contour, plot_parallel_coordinate, plot_param_importances, plot_slice

pytest.importorskip("plotly")

X = [1.0, -2.0, 0.5, 3.0, -1.0, 2.0]
LR = [1e-3, 1e-2, 1e-4, 1e-5, 1e-1, 3e-3]
KIND = ["adam", "sgd", "None", "adam", "sgd", "None"]  # labels of the choices "adam", "sgd", None
VALUES = [3.0, 5.0, 1.0, 4.0, 0.5, 2.0]


def _pruned_too(study: hpint.Study) -> hpint.Study:
    study.add_trial(
        create_trial(
            state=TrialState.PRUNED,
            params={"x": 0.0},
            distributions={"x": study.trials[0].distributions["x"]},
        )
    )
    return study


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_slice_one_subplot_per_parameter_with_the_trials_data(make_study, direction) -> None:
    fig = plot_slice(_pruned_too(make_study(direction)))
    assert [t.name for t in fig.data] == ["Feasible Trial"] * 3  # kind, lr, x: sorted by name
    kind, lr, x = fig.data
    assert list(x.x) == X and list(x.y) == VALUES and list(x.marker.color) == list(range(6))
    assert list(lr.x) == LR and list(kind.x) == KIND
    assert (fig.layout.xaxis.title.text, fig.layout.xaxis2.title.text, fig.layout.xaxis3.title.text) == (
        "kind",
        "lr",
        "x",
    )
    assert fig.layout.xaxis.type == "category" and list(fig.layout.xaxis.categoryarray) == [
        "adam",
        "sgd",
        "None",
    ]
    assert fig.layout.xaxis2.type == "log" and fig.layout.xaxis3.type in (None, "-", "linear")
    assert fig.layout.yaxis.title.text == "Objective Value" and fig.layout.title.text == "Slice Plot"
    assert [t.marker.showscale for t in fig.data] == [True, False, False]  # one colour bar


def test_slice_single_parameter_infeasible_and_target(study, multi_study) -> None:
    study.add_trial(
        create_trial(
            value=7.0,
            params={"x": 4.0},
            distributions={"x": study.trials[0].distributions["x"]},
            system_attrs={"constraints": [1.0]},
        )
    )
    fig = plot_slice(study, params=["x"])
    assert [t.name for t in fig.data] == ["Feasible Trial", "Infeasible Trial"]
    assert (list(fig.data[1].x), list(fig.data[1].y)) == ([4.0], [7.0])
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "Objective Value"
    with pytest.raises(ValueError, match="`target`"):
        plot_slice(multi_study)
    fig = plot_slice(multi_study, target=lambda t: t.values[1], target_name="acc")
    assert list(fig.data[0].y) == [1.0, 3.0, 2.0, 0.2, 3.0] and fig.layout.yaxis.title.text == "acc"
    with pytest.raises(ValueError, match="'nope'"):
        plot_slice(study, params=["nope"])
    assert plot_slice(hpint.create_study()).data == ()


@pytest.mark.parametrize(("direction", "reverse"), [("minimize", True), ("maximize", False)])
def test_contour_two_parameters_one_panel(make_study, direction, reverse) -> None:
    fig = plot_contour(_pruned_too(make_study(direction)), params=["x", "lr"])  # sorted: lr on x
    contour, feasible, infeasible = fig.data
    assert (contour.type, feasible.name, infeasible.name) == ("contour", "Feasible Trial", "Infeasible Trial")
    assert list(feasible.x) == pytest.approx(LR) and list(feasible.y) == X and len(infeasible.x) == 0
    assert (contour.zmin, contour.zmax, contour.reversescale) == (0.5, 5.0, reverse)
    assert contour.colorbar.title.text == "Objective Value"
    z = np.asarray(contour.z)
    assert z.shape == (100, 100) and z.min() >= 0.5 and z.max() <= 5.0
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis.title.text == "lr"
    np.testing.assert_allclose(fig.layout.xaxis.range, (-5.2, -0.8))  # log10 range padded by 5%
    np.testing.assert_allclose(fig.layout.yaxis.range, (-2.25, 3.25))
    assert fig.layout.yaxis.title.text == "x" and fig.layout.title.text == "Contour Plot"


def test_contour_grid_of_three_parameters_and_categorical_ticks(study, multi_study) -> None:
    fig = plot_contour(study)
    # 3 empty diagonal cells + 6 pairs x (contour, feasible, infeasible)
    assert len(fig.data) == 21 and sum(t.type == "contour" for t in fig.data) == 6
    assert sum(bool(t.showscale) for t in fig.data if t.type == "contour") == 1
    layout = fig.layout
    # row 3 (x on y), column 1 (kind on x): the choices at indices 0, 1, 2
    assert layout.xaxis7.title.text == "kind" and list(layout.xaxis7.ticktext) == ["adam", "sgd", "None"]
    assert layout.yaxis7.title.text == "x" and layout.yaxis4.type == "log"
    kind_vs_x = [t for t in fig.data if t.name == "Feasible Trial"][1]  # row 1 is kind on y, column 3 x
    assert list(kind_vs_x.x) == X and list(kind_vs_x.y) == [0, 1, 2, 0, 1, 2]
    with pytest.raises(ValueError, match="`target`"):
        plot_contour(multi_study)
    assert plot_contour(study, params=["x"]).data == ()


@pytest.mark.parametrize(("direction", "reverse"), [("minimize", True), ("maximize", False)])
def test_parallel_coordinate_dimensions_hold_the_trials(make_study, direction, reverse) -> None:
    fig = plot_parallel_coordinate(_pruned_too(make_study(direction)))
    (trace,) = fig.data
    dims = {d.label: d for d in trace.dimensions}
    assert list(dims) == ["Objective Value", "kind", "lr", "x"]
    order = np.argsort(VALUES if direction == "maximize" else -np.array(VALUES), kind="stable")  # best last
    assert list(dims["Objective Value"].values) == [VALUES[i] for i in order]
    assert list(dims["x"].values) == [X[i] for i in order]
    np.testing.assert_allclose(dims["lr"].values, np.log10([LR[i] for i in order]))
    assert list(dims["lr"].ticktext) == ["1e-05", "0.0001", "0.001", "0.01", "0.1"]
    assert list(dims["kind"].ticktext) == ["adam", "sgd", "None"]
    assert list(dims["kind"].values) == [[0, 1, 2, 0, 1, 2][i] for i in order]
    assert list(trace.line.color) == [VALUES[i] for i in order] and trace.line.reversescale == reverse
    assert trace.line.colorbar.title.text == "Objective Value"
    assert fig.layout.title.text == "Parallel Coordinate Plot"


def test_parallel_coordinate_errors_and_empty(study, multi_study) -> None:
    with pytest.raises(ValueError, match="'nope'"):
        plot_parallel_coordinate(study, params=["nope"])
    (trace,) = plot_parallel_coordinate(multi_study, target=lambda t: t.values[0], target_name="loss").data
    assert trace.dimensions[0].label == "loss" and sorted(trace.dimensions[0].values) == [0.5, 1, 2, 2.5, 3]
    assert plot_parallel_coordinate(hpint.create_study()).data == ()


def test_parallel_coordinate_multi_objective_coloured_by_pareto_rank(multi_study) -> None:
    # Values (min, max) of trials 0-4: (1, 1), (2, 3), (3, 2), (0.5, 0.2), (2.5, 3). Fronts: {0, 1, 3},
    # then {4} (dominated by 1 only), then {2} (dominated by 1 and 4). Worst front drawn first.
    (trace,) = plot_parallel_coordinate(multi_study).data
    order = [2, 4, 0, 1, 3]
    values = [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (0.5, 0.2), (2.5, 3.0)]
    assert [d.label for d in trace.dimensions] == ["Objective 0", "Objective 1", "x"]
    assert list(trace.dimensions[0].values) == [values[i][0] for i in order]
    assert list(trace.dimensions[1].values) == [values[i][1] for i in order]
    assert list(trace.dimensions[2].values) == [float(i) for i in order]
    assert list(trace.line.color) == [2, 1, 0, 0, 0] and trace.line.reversescale
    assert trace.line.colorbar.title.text == "Pareto Rank"
    multi_study.set_metric_names(["loss", "accuracy"])
    (trace,) = plot_parallel_coordinate(multi_study).data
    assert [d.label for d in trace.dimensions] == ["loss", "accuracy", "x"]


def test_param_importances_bars(study, fake_importance) -> None:
    fig = plot_param_importances(study, evaluator="ev", params=["lr", "x", "kind"], target_name="loss")
    (bars,) = fig.data
    assert bars.orientation == "h" and bars.name == "loss"
    assert list(bars.y) == ["kind", "x", "lr"] and list(bars.x) == [0.005, 0.29, 0.7]  # most important on top
    assert list(bars.text) == ["<0.01", "0.29", "0.70"]
    assert fig.layout.title.text == "Hyperparameter Importances"
    assert fig.layout.xaxis.title.text == "Hyperparameter Importance"
    assert fig.layout.yaxis.title.text == "Hyperparameter"
    assert fake_importance == [{"evaluator": "ev", "params": ["lr", "x", "kind"], "target": None}]


def test_param_importances_one_trace_per_objective(multi_study, fake_importance) -> None:
    fig = plot_param_importances(multi_study)
    assert [t.name for t in fig.data] == ["Objective Value 0", "Objective Value 1"]
    trial = multi_study.trials[1]
    assert [call["target"](trial) for call in fake_importance] == trial.values
    multi_study.set_metric_names(["loss", "acc"])
    assert [t.name for t in plot_param_importances(multi_study).data] == ["loss", "acc"]
    assert plot_param_importances(hpint.create_study()).data == ()


def test_param_importances_with_the_real_evaluator() -> None:
    study = hpint.create_study(sampler=hpint.samplers.RandomSampler(seed=0))
    verbosity = hpint.logging.get_verbosity()
    hpint.logging.set_verbosity(hpint.logging.WARNING)
    try:
        study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2 + 0.01 * t.suggest_float("y", -5, 5), 30)
    finally:
        hpint.logging.set_verbosity(verbosity)
    (bars,) = plot_param_importances(study).data
    assert list(bars.y) == ["y", "x"] and sum(bars.x) == pytest.approx(1.0) and bars.x[1] > bars.x[0]
