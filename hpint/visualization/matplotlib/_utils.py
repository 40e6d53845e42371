"""What the matplotlib renderers share: importing pyplot, a fresh Axes, styling a parameter's axis."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hpint.visualization._common import ParamAxis

#: What to run when matplotlib is missing.
INSTALL_HINT = 'pip install "hpint[plot]"'


def is_available() -> bool:
    """True when matplotlib can be imported, i.e. the ``hpint.visualization.matplotlib`` plots can draw."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def import_pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError naming the extra to install.

    The backend is left to the user (``MPLBACKEND``, ``matplotlib.use``); on a headless server
    matplotlib's own default already falls back to Agg.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"hpint.visualization.matplotlib draws with matplotlib, which is not installed: {INSTALL_HINT}"
        ) from exc
    return plt


def new_axes(title: str) -> Axes:
    """One fresh figure with one Axes (through pyplot, so ``plt.show()`` shows it)."""
    plt = import_pyplot()
    _, ax = plt.subplots()
    ax.set_title(title)
    return ax


def colormap(name: str) -> Any:
    """The matplotlib colormap ``name`` (a callable from [0, 1] to RGBA)."""
    import matplotlib

    return matplotlib.colormaps[name]


def style_param_axis(ax: Axes, axis: ParamAxis, which: str) -> None:
    """Label ``ax``'s x or y axis for ``axis``: log scale, or the choices as tick labels."""
    set_label, set_scale = (ax.set_xlabel, ax.set_xscale) if which == "x" else (ax.set_ylabel, ax.set_yscale)
    set_ticks, set_ticklabels = (
        (ax.set_xticks, ax.set_xticklabels) if which == "x" else (ax.set_yticks, ax.set_yticklabels)
    )
    set_label(axis.name)
    if axis.kind == "log":
        set_scale("log")
    elif axis.kind == "categorical":
        set_ticks(range(len(axis.choices)))
        set_ticklabels(axis.labels)
