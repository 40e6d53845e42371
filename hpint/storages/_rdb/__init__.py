"""SQL storage on SQLAlchemy: schema, migrations and the :class:`RDBStorage` backend."""
