"""Business operations that change the database, each one audited write through ``data_access.db.writes``."""
