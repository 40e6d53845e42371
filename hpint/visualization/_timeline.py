"""Timeline: each trial as a horizontal bar from its start to its end, coloured by state."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from hpint.trial import TrialState
from hpint.visualization._common import new_axes, warn_empty

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


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Axes:
    """Draw one bar per started trial, from ``datetime_start`` to ``datetime_complete``, coloured by state.

    A running trial's bar ends now. Useful to see parallel workers, stragglers and idle time.

    Args:
        study: the study to plot.
        n_recent_trials: show only the last this many trials (by number); all by default.

    Returns:
        The matplotlib Axes (x: time, y: trial number; one bar per trial in ``ax.patches``).

    Raises:
        ValueError: ``n_recent_trials`` is not a positive integer.
    """
    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool) or not isinstance(n_recent_trials, int) or n_recent_trials <= 0
    ):
        raise ValueError(f"`n_recent_trials` must be a positive integer, got {n_recent_trials!r}.")
    trials = [t for t in study.get_trials(deepcopy=False) if t.datetime_start is not None]
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    ax = new_axes("Timeline")
    ax.set_xlabel("Datetime")
    ax.set_ylabel("Trial")
    if not trials:
        warn_empty("plot_timeline")
        return ax
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    now = datetime.datetime.now()
    for state, color in STATE_COLORS.items():
        group = [t for t in trials if t.state == state]
        if not group:
            continue
        starts = date2num([t.datetime_start for t in group])
        ends = date2num([t.datetime_complete or now for t in group])
        ax.barh([t.number for t in group], ends - starts, left=starts, color=color, label=state.name)
    ax.xaxis_date()
    locator = AutoDateLocator()  # concise labels: "12:05:30", not "05:30.000000", on short studies
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.legend()
    return ax
