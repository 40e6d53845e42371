"""Database URLs: pick the supported driver for each backend and say what to install when it is missing."""

from __future__ import annotations

import importlib.util

import sqlalchemy as sa

# backend name -> (default driver, module to import, pip extra)
_DRIVERS = {
    "sqlite": ("pysqlite", "sqlite3", None),
    "postgresql": ("psycopg", "psycopg", "postgres"),
    "mysql": ("pymysql", "pymysql", "mysql"),
    "mariadb": ("pymysql", "pymysql", "mysql"),
}
_ALIASES = {"postgres": "postgresql"}
# driver name -> module, for drivers a user may name explicitly
_DRIVER_MODULES = {"psycopg": "psycopg", "psycopg2": "psycopg2", "pymysql": "pymysql", "pysqlite": "sqlite3"}


def normalize_url(url: str) -> str:
    """Return ``url`` with an explicit, installed driver (``postgresql://`` -> ``postgresql+psycopg://``).

    Raises:
        ValueError: the URL cannot be parsed or names a database hpint does not support.
        ImportError: the driver is not installed; the message names the ``pip install`` to run.
    """
    if not isinstance(url, str):
        raise TypeError(f"A storage URL must be a string, not {type(url).__name__} ({url!r}).")
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as e:
        raise ValueError(
            f"Cannot parse storage URL {url!r}: expected e.g. 'sqlite:///study.db' or "
            "'postgresql+psycopg://user:password@host/db'."
        ) from e
    backend = _ALIASES.get(parsed.get_backend_name(), parsed.get_backend_name())
    if backend not in _DRIVERS:
        raise ValueError(
            f"Unsupported storage URL scheme {parsed.drivername!r} in {url!r}; hpint supports "
            "sqlite:///, postgresql+psycopg:// and mysql+pymysql://."
        )
    default_driver, default_module, extra = _DRIVERS[backend]
    driver = parsed.get_driver_name() if "+" in parsed.drivername else default_driver
    module = _DRIVER_MODULES.get(driver, default_module if driver == default_driver else driver)
    if importlib.util.find_spec(module) is None:
        hint = (
            f'pip install "hpint[{extra}]"' if extra and driver == default_driver else f"pip install {module}"
        )
        raise ImportError(
            f"The storage URL {url!r} needs the Python package {module!r}, which is not installed; "
            f"run `{hint}`."
        )
    parsed = parsed.set(drivername=f"{backend}+{driver}")
    return parsed.render_as_string(hide_password=False)


def backend_name(url: str) -> str:
    """``sqlite``, ``postgresql``, ``mysql`` or ``mariadb`` for a normalized URL."""
    return sa.make_url(url).get_backend_name()


def is_sqlite_memory(url: str) -> bool:
    parsed = sa.make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
