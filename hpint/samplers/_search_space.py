"""Old private path of the search-space helpers, now in :mod:`hpint.search_space`."""

from hpint.search_space._group_decomposed import (
    GroupDecomposedSearchSpace,
    SearchSpaceGroup,
    group_decomposed_search_space,
)
from hpint.search_space._intersection import IntersectionSearchSpace, intersection_search_space

__all__ = [
    "GroupDecomposedSearchSpace",
    "IntersectionSearchSpace",
    "SearchSpaceGroup",
    "group_decomposed_search_space",
    "intersection_search_space",
]
