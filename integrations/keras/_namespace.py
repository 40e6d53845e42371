"""Which Keras package a callback derives from: ``keras`` or ``tf_keras``.

``keras`` is Keras 3 (any backend), which TensorFlow >= 2.16 also serves as ``tf.keras``; ``tf_keras`` is
Keras 2, which is ``tf.keras`` when ``TF_USE_LEGACY_KERAS=1``. Keras fits only callbacks derived from its
own ``Callback`` (it calls base-class methods on them), and the model a callback will serve is unknown when
the callback is created, so the callback's class is made at run time: from the Keras already imported,
then re-made from the model's own package in ``set_model``, which Keras calls before any other hook.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from hpint.integrations._common import require

PACKAGES = ("keras", "tf_keras")
_FEATURE = "hpint.integrations.keras.PruningCallback"
_classes: dict[tuple[type, str], type] = {}


def package_for_new_callback() -> str:
    """The Keras package a callback derives from before it meets a model: one already imported, preferring
    the one ``tf.keras`` stands for; else that one, imported now (Keras 3 if ``tf_keras`` is missing).

    Raises:
        ImportError: Keras is not installed; names the extra to install.
    """
    # TensorFlow reads the variable with exactly these spellings; anything else means Keras 3.
    legacy = os.environ.get("TF_USE_LEGACY_KERAS") in ("1", "true", "True")
    preferred = tuple(reversed(PACKAGES)) if legacy else PACKAGES
    for package in preferred:
        if sys.modules.get(package) is not None:
            return package
    if legacy and importlib.util.find_spec("tf_keras") is not None:
        require("tf_keras", "keras", _FEATURE)
        return "tf_keras"
    require("keras", "keras", _FEATURE)
    return "keras"


def model_package(model: Any) -> str | None:
    """The Keras package ``model``'s class (or the Keras class it derives from) comes from, if any."""
    for klass in type(model).__mro__:
        top = klass.__module__.split(".")[0]
        if top in PACKAGES:
            return top
    return None


def callback_class(mixin: type, package: str) -> type:
    """``mixin`` combined with ``package``'s ``callbacks.Callback``, made once per combination.

    The made class keeps ``mixin``'s name, so reprs and error messages read as the user expects.
    """
    key = (mixin, package)
    made = _classes.get(key)
    if made is None:
        base = require(package, "keras", _FEATURE).callbacks.Callback
        namespace = {"__module__": mixin.__module__, "__qualname__": mixin.__qualname__}
        made = type(mixin.__name__, (mixin, base), {**namespace, "_package": package, "_mixin": mixin})
        _classes[key] = made
    return made
