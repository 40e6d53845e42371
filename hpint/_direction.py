"""Whether a study minimises or maximises an objective."""

from __future__ import annotations

import enum


class StudyDirection(enum.IntEnum):
    """The direction of one objective."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2

    def __repr__(self) -> str:
        return f"StudyDirection.{self.name}"


def parse_direction(direction: str | StudyDirection, name: str = "direction") -> StudyDirection:
    """Accept ``"minimize"``/``"maximize"`` (any case) or a :class:`StudyDirection`.

    Raises:
        ValueError: anything else, naming the parameter and value.
    """
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection.MINIMIZE if direction.lower() == "minimize" else StudyDirection.MAXIMIZE
    raise ValueError(f"`{name}` must be 'minimize' or 'maximize', not {direction!r}.")
