"""The plots drawn with matplotlib (``pip install "hpint[plot]"``), as ``optuna.visualization.matplotlib``.

Each ``plot_*`` returns a ``matplotlib.axes.Axes`` (an array of Axes for the multi-panel slice, contour
and rank plots), with the same arguments as :mod:`hpint.visualization`'s plotly version, from the same
data. Save or show with ``ax.figure.savefig("history.png")`` or ``matplotlib.pyplot.show()``.

The name of this package is not the matplotlib library: that is imported only when a plot is drawn, and
no backend is forced (matplotlib's own choice: ``MPLBACKEND``, ``matplotlib.use``, or Agg without a
display).
"""

from hpint.visualization.matplotlib._contour import plot_contour
from hpint.visualization.matplotlib._edf import plot_edf
from hpint.visualization.matplotlib._hypervolume_history import plot_hypervolume_history
from hpint.visualization.matplotlib._intermediate_values import plot_intermediate_values
from hpint.visualization.matplotlib._optimization_history import plot_optimization_history
from hpint.visualization.matplotlib._parallel_coordinate import plot_parallel_coordinate
from hpint.visualization.matplotlib._param_importances import plot_param_importances
from hpint.visualization.matplotlib._pareto_front import plot_pareto_front
from hpint.visualization.matplotlib._rank import plot_rank
from hpint.visualization.matplotlib._slice import plot_slice
from hpint.visualization.matplotlib._terminator_improvement import plot_terminator_improvement
from hpint.visualization.matplotlib._timeline import plot_timeline
from hpint.visualization.matplotlib._utils import is_available

__all__ = [
    "is_available",
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
