"""The matplotlib plots under Optuna's module path: ``optuna.visualization.matplotlib.plot_x`` code runs.

Same functions as :mod:`hpint.visualization` (which is matplotlib-based already). The name of this
package is not the matplotlib library: that is imported only inside the plotting functions.
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
