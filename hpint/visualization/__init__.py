"""Plots of studies as plotly figures (``pip install "hpint[plotly]"``), as ``optuna.visualization``.

``hpint.visualization.plot_*`` return a ``plotly.graph_objects.Figure``, with Optuna's names and
arguments: ``fig.show()``, ``fig.write_html("history.html")``, ``fig.write_image(...)`` (the latter needs
kaleido). :mod:`hpint.visualization.matplotlib` has the same plots drawn with matplotlib
(``pip install "hpint[plot]"``), returning Axes, as ``optuna.visualization.matplotlib``.

>>> from hpint.visualization import plot_optimization_history
>>> fig = plot_optimization_history(study)  # doctest: +SKIP
>>> fig.write_html("history.html")  # doctest: +SKIP

Both backends draw the same data: which trials count (COMPLETE ones with a finite value, for the value
plots), ``target``, log and categorical axes, the contour grid and the Pareto front are computed once per
plot in this package's private modules. Importing this package imports neither plotly nor matplotlib; a
plot imports its library and raises ImportError with the ``pip install`` line when it is missing. An
empty study gives an empty figure and a logged warning.
"""

from hpint.visualization._plotly._contour import plot_contour
from hpint.visualization._plotly._edf import plot_edf
from hpint.visualization._plotly._hypervolume_history import plot_hypervolume_history
from hpint.visualization._plotly._intermediate_values import plot_intermediate_values
from hpint.visualization._plotly._optimization_history import plot_optimization_history
from hpint.visualization._plotly._parallel_coordinate import plot_parallel_coordinate
from hpint.visualization._plotly._param_importances import plot_param_importances
from hpint.visualization._plotly._pareto_front import plot_pareto_front
from hpint.visualization._plotly._rank import plot_rank
from hpint.visualization._plotly._slice import plot_slice
from hpint.visualization._plotly._terminator_improvement import plot_terminator_improvement
from hpint.visualization._plotly._timeline import plot_timeline
from hpint.visualization._plotly._utils import is_available

__all__ = [
    "is_available",
    "matplotlib",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]

from hpint.visualization import matplotlib  # noqa: E402 - the subpackage's name, as in Optuna
