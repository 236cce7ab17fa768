"""Settings, read once at start from the environment (prefix MOCKROOM_) and .env."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything mockroom can be told; secrets stay SecretStr and are never logged."""

    model_config = SettingsConfigDict(
        env_prefix="MOCKROOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the user data dir"
    )
    max_message_chars: int = Field(default=8000, ge=100, le=100_000)
    log_level: str = "WARNING"
    auto_migrate: bool = Field(
        default=True, description="bring the database schema up to date at start"
    )
