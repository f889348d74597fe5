"""The demo city: seeded data to try ent_lite."""
