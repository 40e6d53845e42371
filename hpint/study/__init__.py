"""Studies: create, load and run them."""

from hpint._direction import StudyDirection
from hpint.study._callbacks import MaxTrialsCallback
from hpint.study._functions import (
    StudySummary,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hpint.study._study import Study

__all__ = [
    "MaxTrialsCallback",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
