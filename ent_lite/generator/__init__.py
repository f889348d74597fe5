"""A generated city for load tests and benches: ``flask ent-lite generate-city``.

Written in bulk (SQLAlchemy Core inserts of lists of dicts, in batches), never through the
feature services, which are too slow for 100,000 children; the rows keep the invariants the
services keep (audience rows, school years, public ids, families linked through their
children), so the app reads the city as if people had written it. The app never imports
this package at start-up but to register the command.
"""
