"""Search spaces inferred from a study's finished trials, under Optuna's names.

``intersection_search_space(trials)`` and ``IntersectionSearchSpace().calculate(study)`` give the
parameters every finished trial has with one same distribution (what CMA-ES, GP and NSGA-II model
jointly). ``_GroupDecomposedSearchSpace`` and ``_SearchSpaceGroup`` split a define-by-run space into
groups of parameters that always appear together (what ``TPESampler(group=True)`` models); Optuna lists
them, underscore and all, in its ``__all__``, so they are here too.
"""

from hpint.search_space._group_decomposed import GroupDecomposedSearchSpace as _GroupDecomposedSearchSpace
from hpint.search_space._group_decomposed import SearchSpaceGroup as _SearchSpaceGroup
from hpint.search_space._intersection import IntersectionSearchSpace, intersection_search_space

__all__ = [
    "IntersectionSearchSpace",
    "_GroupDecomposedSearchSpace",
    "_SearchSpaceGroup",
    "intersection_search_space",
]
