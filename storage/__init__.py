"""Persistence: SQLModel tables (models), the engine from one URL, Alembic migrations, and the repositories/."""
