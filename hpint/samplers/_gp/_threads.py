"""Run small linear algebra on one BLAS thread.

The GP's matrices are tiny (tens to hundreds of rows). With several BLAS threads on a busy machine,
OpenBLAS spends far longer waking and synchronising threads than computing: measured here, 20 L-BFGS-B
runs on a 4-parameter problem took 0.09 s each with the default threads and 0.003 s with one thread.
``threadpoolctl`` (installed with scikit-learn) lets us limit the threads while a proposal is computed
(process-wide, so the process's other threads are limited meanwhile too); without it, nothing changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

_controller: Any = None


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Limit BLAS to one thread inside the block, if ``threadpoolctl`` is installed."""
    global _controller
    if _controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _controller = False
        else:
            import scipy.linalg  # noqa: F401  - load the BLAS before the controller looks for it

            _controller = ThreadpoolController()
    if _controller is False:
        yield
        return
    with _controller.limit(limits=1, user_api="blas"):
        yield
