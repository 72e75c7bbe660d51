"""The database: settings of the connection, schema, migrations, engines, the read and write doors and the audit chain."""
