"""Plots of studies, drawn with matplotlib: ``pip install "hpint[plot]"``.

The functions mirror Optuna's ``optuna.visualization.matplotlib`` (same names and main arguments) and
return a ``matplotlib.axes.Axes`` (an array of Axes for the multi-panel slice and contour plots). Unlike
``optuna.visualization.plot_*``, which return plotly figures, ``hpint.visualization.plot_*`` are these
matplotlib versions too; ``hpint.visualization.matplotlib`` holds the same functions for code written
against Optuna's module path. Save or show a plot with ``ax.figure.savefig("history.png")`` or
``matplotlib.pyplot.show()``.

>>> from hpint.visualization import plot_optimization_history
>>> ax = plot_optimization_history(study)  # doctest: +SKIP
>>> ax.figure.savefig("history.png")  # doctest: +SKIP

Importing this package does not import matplotlib; each function does, and raises ImportError with the
``pip install`` line when it is missing. No backend is forced: matplotlib's own choice (``MPLBACKEND``,
``matplotlib.use``, or its default, which is Agg on a machine without a display) is kept.
Value plots use the COMPLETE trials; an empty study gives an empty plot and a logged warning.
"""

from hpint.visualization._common import is_available
from hpint.visualization._contour import plot_contour
from hpint.visualization._edf import plot_edf
from hpint.visualization._hypervolume_history import plot_hypervolume_history
from hpint.visualization._intermediate_values import plot_intermediate_values
from hpint.visualization._optimization_history import plot_optimization_history
from hpint.visualization._parallel_coordinate import plot_parallel_coordinate
from hpint.visualization._param_importances import plot_param_importances
from hpint.visualization._pareto_front import plot_pareto_front
from hpint.visualization._slice import plot_slice
from hpint.visualization._timeline import plot_timeline

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
    "plot_slice",
    "plot_timeline",
]

from hpint.visualization import matplotlib  # noqa: E402 - the subpackage re-exports the functions above
