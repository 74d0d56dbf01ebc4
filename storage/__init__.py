"""Persistence: SQLAlchemy models, the engine and sessions, queries, migrations, reference data.

Nothing here imports Slack: storage speaks in the domain's words and plain values.
"""
