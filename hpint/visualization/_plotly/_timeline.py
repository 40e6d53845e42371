"""The timeline as a plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpint.trial import TrialState
from hpint.visualization._plotly._utils import INFEASIBLE_COLOR, hover_text, import_plotly
from hpint.visualization._timeline import TITLE, Bar, timeline_info

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from hpint.study import Study

#: Bar colour of each state.
STATE_COLORS = {"COMPLETE": "blue", "FAIL": "red", "PRUNED": "orange", "RUNNING": "green"}


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> go.Figure:
    """Draw one horizontal bar per started trial, from its start to its end, one ``Bar`` trace per state.

    Traces are named after the state (complete trials violating a constraint: "INFEASIBLE", grey); a
    bar's ``base`` is the start (ISO time), ``x`` the duration in milliseconds, ``y`` the trial number.
    A running trial's bar ends now.

    Args:
        study: the study to plot.
        n_recent_trials: show only the last this many trials (by number); all by default.

    Returns:
        A ``plotly.graph_objects.Figure`` with a date x-axis.

    Raises:
        ValueError: ``n_recent_trials`` is not a positive integer.
    """
    go = import_plotly()
    bars = timeline_info(study, n_recent_trials)
    figure = go.Figure()
    for state in sorted(STATE_COLORS):
        group = [b for b in bars if b.state == TrialState[state] and not b.infeasible]
        if state == "COMPLETE":
            _add_bars(go, figure, [b for b in bars if b.infeasible], "INFEASIBLE", INFEASIBLE_COLOR)
        _add_bars(go, figure, group, state, STATE_COLORS[state])
    figure.update_xaxes(type="date")
    figure.update_layout(title=TITLE, xaxis_title="Datetime", yaxis_title="Trial", showlegend=True)
    return figure


def _add_bars(go: Any, figure: go.Figure, bars: list[Bar], name: str, color: str) -> None:
    if not bars:
        return
    figure.add_trace(
        go.Bar(
            name=name,
            x=[(b.end - b.start).total_seconds() * 1000 for b in bars],
            y=[b.number for b in bars],
            base=[b.start.isoformat() for b in bars],
            text=[hover_text(b.trial) for b in bars],
            hovertemplate="%{text}<extra>" + name + "</extra>",
            textposition="none",
            orientation="h",
            marker={"color": color},
        )
    )
