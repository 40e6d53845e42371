"""Optuna's SQL schema: copy studies from an Optuna database into hpint, and back.

hpint's own schema (``hpint_*`` tables) differs from Optuna's, so an Optuna database is not read in place;
:func:`import_optuna_studies` copies its studies into any hpint storage and :func:`export_optuna_studies`
writes hpint studies into Optuna's tables (for ``optuna.load_study`` and optuna-dashboard). Both use
SQLAlchemy Core over :mod:`._layout`'s table definitions; Optuna itself is never imported.
"""
