"""Which Lightning package a callback derives from: ``lightning.pytorch`` or ``pytorch_lightning``.

Both packages ship the same classes under two names, and a Trainer of one does not reliably accept a
callback of the other (``ValueError: Expected a parent`` on several 2.x versions; ``Trainer(callbacks=cb)``
silently ignores a single foreign callback). The user's Trainer is not known when the callback is created,
so its class is made at run time: derived from the package the user imported, from both when both are
imported (so either Trainer accepts it), and narrowed to the Trainer's own package in ``setup``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

PACKAGES = ("lightning.pytorch", "pytorch_lightning")
_classes: dict[tuple[type, tuple[str, ...]], type] = {}


def packages_for_new_callback() -> tuple[str, ...]:
    """The packages whose ``Callback`` a new callback derives from: those imported, else one we can import.

    Raises:
        ImportError: neither package is installed; names the extra to install.
    """
    loaded = tuple(p for p in PACKAGES if p in sys.modules)
    if loaded:
        return loaded
    errors = []
    for package in PACKAGES:
        try:
            importlib.import_module(package)
        except ImportError as e:
            errors.append(f"{package}: {e}")
            continue
        return (package,)
    raise ImportError(
        "hpint.integrations.lightning needs Lightning 2.x (`lightning` or `pytorch_lightning`), which could "
        f'not be imported ({"; ".join(errors)}). Install it with: pip install "hpint[lightning]"'
    )


def trainer_package(trainer: Any) -> str | None:
    """The Lightning package ``trainer``'s class (or the Lightning class it derives from) comes from."""
    for klass in type(trainer).__mro__:
        module = klass.__module__
        for package in PACKAGES:
            if module == package or module.startswith(package + "."):
                return package
    return None


def callback_class(mixin: type, packages: tuple[str, ...]) -> type:
    """``mixin`` combined with the ``Callback`` base of each package, made once per combination.

    The made class keeps ``mixin``'s name, so Lightning's ``state_key`` and reprs read as the user expects.
    """
    key = (mixin, packages)
    made = _classes.get(key)
    if made is None:
        bases = tuple(importlib.import_module(p).Callback for p in packages)
        made = type(
            mixin.__name__,
            (mixin, *bases),
            {
                "__module__": mixin.__module__,
                "__qualname__": mixin.__qualname__,
                "_packages": packages,
                "_mixin": mixin,
            },
        )
        _classes[key] = made
    return made


def rebuild(mixin: type, packages: tuple[str, ...], state: dict[str, Any]) -> Any:
    """Unpickle a callback whose class was made by :func:`callback_class` (it has no importable name)."""
    obj = object.__new__(callback_class(mixin, packages))
    obj.__dict__.update(state)
    return obj
