"""The deterministic demo portfolio and the seeding of an empty database."""
