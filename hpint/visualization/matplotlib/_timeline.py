"""The timeline drawn with matplotlib."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpint.trial import TrialState
from hpint.visualization._timeline import TITLE, timeline_info
from hpint.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.study import Study

#: Bar colour of each state (WAITING trials have not started and are not drawn).
STATE_COLORS = {
    TrialState.COMPLETE: "tab:blue",
    TrialState.PRUNED: "tab:orange",
    TrialState.FAIL: "tab:red",
    TrialState.RUNNING: "tab:green",
}

#: Bar colour of complete trials that violate a constraint.
INFEASIBLE_COLOR = "#cccccc"


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Axes:
    """Draw one bar per started trial, from ``datetime_start`` to ``datetime_complete``, coloured by state.

    A running trial's bar ends now; complete trials violating a constraint are grey ("INFEASIBLE").
    Useful to see parallel workers, stragglers and idle time.

    Args:
        study: the study to plot.
        n_recent_trials: show only the last this many trials (by number); all by default.

    Returns:
        The matplotlib Axes (x: time, y: trial number; one bar per trial in ``ax.patches``).

    Raises:
        ValueError: ``n_recent_trials`` is not a positive integer.
    """
    bars = timeline_info(study, n_recent_trials)
    ax = new_axes(TITLE)
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    if not bars:
        return ax
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    groups = [
        (state.name, color, [b for b in bars if b.state == state and not b.infeasible])
        for state, color in STATE_COLORS.items()
    ]
    groups.append(("INFEASIBLE", INFEASIBLE_COLOR, [b for b in bars if b.infeasible]))
    for label, color, group in groups:
        if group:
            starts = date2num([b.start for b in group])
            ends = date2num([b.end for b in group])
            ax.barh([b.number for b in group], ends - starts, left=starts, color=color, label=label)
    ax.xaxis_date()
    locator = AutoDateLocator()  # concise labels: "12:05:30", not "05:30.000000", on short studies
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.legend()
    return ax
