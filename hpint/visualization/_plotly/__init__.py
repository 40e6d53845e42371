"""The plotly renderers of :mod:`hpint.visualization`: each draws the data its plot's module computes."""
