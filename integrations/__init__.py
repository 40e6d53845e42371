"""Trainer and tool integrations, installed as ``hpint.integrations``.

Each submodule imports its framework (Lightning, Keras, TensorBoard) only when it is used; a missing
framework raises an ``ImportError`` naming the ``pip install "hpint[extra]"`` to run.
"""
