"""Type aliases shared across the package."""

from __future__ import annotations

#: A value a categorical parameter may take.
CategoricalChoiceType = None | bool | int | float | str

#: A JSON-serialisable value (user and system attributes are stored as JSON).
JSONSerializable = None | bool | int | float | str | list | dict
