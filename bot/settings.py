"""Settings, read once at start from the environment (prefix MOCKROOM_) and .env."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from interviewer.llm.choice import ModelChoice, choose_model
from interviewer.llm.usage import DEFAULT_PRICES, Prices


class Settings(BaseSettings):
    """Everything mockroom can be told; secrets stay SecretStr and are never logged."""

    model_config = SettingsConfigDict(
        env_prefix="MOCKROOM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the user data dir"
    )
    database_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="a database statement's limit (connect and pool wait: half of it); "
        "past it the member is told the database is slow",
    )
    max_message_chars: int = Field(default=8000, ge=100, le=100_000)
    interviews_per_day: int = Field(
        default=10, ge=0, description="interviews a member may start per UTC day; 0: no limit"
    )
    messages_per_minute: int = Field(
        default=12, ge=0, description="answers a member may send in any minute; 0: no limit"
    )
    workspace_daily_tokens: int = Field(
        default=0,
        ge=0,
        description="model tokens per platform (a Slack workspace) per UTC day, after which "
        "the offline interviewer carries on; 0: no budget",
    )
    log_level: str = "WARNING"
    log_json: bool = Field(default=False, description="log one JSON object per line")
    log_candidate_text: bool = Field(
        default=False,
        description="let libraries log request bodies (and so candidate text) at DEBUG",
    )
    auto_migrate: bool | None = Field(
        default=None,
        description="bring the schema up to date at start; default: yes for SQLite, while "
        "other databases are upgraded with `mockroom db upgrade` and refused when behind",
    )
    health_port: int = Field(
        default=9100, ge=0, le=65535, description="/healthz and /metrics of `serve`; 0: off"
    )
    health_host: str = Field(default="0.0.0.0", description="where /healthz and /metrics listen")
    clock_interval_seconds: float = Field(
        default=1.0, gt=0, description="how often running interviews' deadlines are checked"
    )

    # Daily drills and leaderboards.
    drill_window_hours: float = Field(
        default=24.0, gt=0, le=168, description="how long a drill's thread takes answers"
    )
    drill_grace_minutes: float = Field(
        default=60.0, ge=0, le=24 * 60, description="how late a missed drill may still be posted"
    )
    drill_admins: list[str] = Field(
        default_factory=list,
        description='who may (un)subscribe channels besides platform admins: ["slack:U123"]',
    )
    drill_sweep_seconds: float = Field(
        default=30.0, gt=0, description="how often due drills, recaps and boards are checked"
    )
    weekly_board_hour: int = Field(
        default=9, ge=0, le=23, description="local hour of the Monday board in drill channels"
    )

    # Privacy.
    retention_days: int = Field(
        default=0,
        ge=0,
        le=36_500,
        description="delete transcripts (and drill answers' text) this many days after they "
        "end, keeping scores; 0: keep forever",
    )
    outbox_retention_days: int = Field(
        default=14,
        ge=0,
        le=36_500,
        description="delete the record of a scheduled post (recap, board, reminder, pair, "
        "clock post) this many days after it was posted; 0: keep forever",
    )

    # Review pages (bot/review): signed links to `serve`'s page server.
    public_url: str | None = Field(
        default=None,
        description="where members reach the review server (https://mockroom.example.org); "
        "unset: scorecards say how to get the page as a file",
    )
    review_secret: SecretStr | None = Field(
        default=None,
        description="signs review links (16+ random characters); changing it voids every link",
    )
    review_link_days: float = Field(default=7.0, gt=0, le=90, description="how long a link works")
    review_port: int = Field(default=8080, ge=1, le=65535, description="the review server's port")
    review_host: str = Field(default="0.0.0.0", description="where the review server listens")
    review_requests_per_minute: int = Field(
        default=30, ge=1, description="page requests one client address may make per minute"
    )

    # Slack: bot token always; Socket Mode with an app token, else HTTP with the signing secret.
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "MOCKROOM_SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "MOCKROOM_SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "MOCKROOM_SLACK_SIGNING_SECRET"),
    )
    slack_api_url: str | None = Field(
        default=None, description="another Slack Web API base URL (GovSlack, a proxy, tests)"
    )
    slack_port: int = Field(default=3000, ge=1, le=65535)

    # Discord
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "MOCKROOM_DISCORD_TOKEN")
    )
    discord_api_url: str | None = Field(
        default=None, description="another Discord REST base URL (a proxy, tests)"
    )
    discord_guild_id: int | None = Field(
        default=None, description="sync commands to this guild only (instant, for development)"
    )
    discord_message_content: bool = Field(
        default=True,
        description="ask for the privileged message content intent; without it the bot reads "
        "DMs and messages that mention it",
    )
    discord_shard_count: int | None = Field(
        default=None,
        ge=1,
        description="shards across every process of the bot, the same in each; "
        "default: as many as Discord recommends",
    )
    # NoDecode: the environment's "0-3,6" reaches the validator below as it is, not as JSON.
    discord_shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        description='the shards this process runs, like "0-3,6" (needs the shard count); '
        "default: all of them",
    )

    # The LLM brain (interviewer/llm): `provider:model`, or `offline`.
    llm_model: str | None = Field(
        default=None,
        description="provider:model (openai:gpt-4o-mini) or offline; "
        "default: OpenAI when OPENAI_API_KEY is set, else offline",
    )
    llm_base_url: str | None = Field(
        default=None, description="an OpenAI-compatible server (Ollama, vLLM, LM Studio)"
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "openai_api_key", "MOCKROOM_LLM_API_KEY", "OPENAI_API_KEY", "MOCKROOM_OPENAI_API_KEY"
        ),
    )
    llm_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_output_tokens: int = Field(default=400, ge=16, le=8000)
    # The grader's own contract: a cap that fits a full scorecard, and one deadline for it all.
    llm_grader_max_output_tokens: int = Field(default=1500, ge=256, le=16000)
    llm_grader_temperature: float = Field(default=0.0, ge=0, le=2)
    llm_grader_deadline_seconds: float = Field(
        default=60.0, gt=0, le=600, description="grading ends by then; the offline scorer grades"
    )
    llm_prices: dict[str, Prices] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES),
        description="USD per million tokens (input, output[, cached input]) by provider:model, "
        "for cost estimates",
    )

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _read_shard_ids(cls, value: object, info: ValidationInfo) -> object:
        """Shard ids as "0-3,6" (or a list), each below the shard count; blank: every shard."""
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, list | tuple | set):
            value = ",".join(str(v) for v in value)
        if not isinstance(value, str):
            return value  # pydantic names what is wrong with it
        if not value.strip():
            return None
        if "discord_shard_count" not in info.data:
            return None  # the count is invalid: that is the error to report
        count = info.data["discord_shard_count"]
        if count is None:
            raise ValueError(
                "set MOCKROOM_DISCORD_SHARD_COUNT too, to the number of shards across every "
                "process (or unset MOCKROOM_DISCORD_SHARD_IDS to run every shard here)"
            )
        return parse_shard_ids(value, count)

    @field_validator("review_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """A review secret short enough to guess is refused."""
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "MOCKROOM_REVIEW_SECRET is too short: use 16 or more random characters"
            )
        return value

    @model_validator(mode="after")
    def _no_placeholders(self) -> Settings:
        """Refuse a secret left as the example's placeholder, naming the variable to set."""
        for field, env in _SECRET_ENV.items():
            value = getattr(self, field)
            if value is not None and _PLACEHOLDER.search(value.get_secret_value()):
                raise ValueError(f"{env} is still a placeholder: set it to the real value")
        return self

    def posts_kept(self) -> timedelta | None:
        """How long the outbox keeps a scheduled post's row once posted; None: forever."""
        days = self.outbox_retention_days
        return timedelta(days=days) if days else None

    def model_choice(self) -> ModelChoice:
        """Which brain these settings choose (no network)."""
        return choose_model(self.llm_model, self.openai_api_key is not None, self.llm_base_url)

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log filter that keeps them out of the logs."""
        secrets = (
            self.slack_bot_token,
            self.slack_app_token,
            self.slack_signing_secret,
            self.discord_token,
            self.openai_api_key,
            self.review_secret,
        )
        return [s.get_secret_value() for s in secrets if s is not None]


_SHARD_ITEM = re.compile(r"([0-9]+)(?:\s*-\s*([0-9]+))?")


def parse_shard_ids(text: str, count: int) -> list[int]:
    """The shard ids in "0-3,6" (ids and inclusive ranges), sorted, once each, below `count`."""
    ids: set[int] = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue  # "0,,1" and a trailing comma
        match = _SHARD_ITEM.fullmatch(item)
        if match is None:
            raise ValueError(f"{item!r} is not a shard id or a range: write them like 0-3,6")
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        if first > last:
            raise ValueError(f"the range {item} runs backwards: write {last}-{first}")
        if last >= count:
            raise ValueError(
                f"there is no shard {last}: the shard count is {count}, so the ids run "
                f"from 0 to {count - 1}"
            )
        ids.update(range(first, last + 1))
    if not ids:
        raise ValueError("no shard ids: write them like 0-3,6, or leave it unset for every shard")
    return sorted(ids)


_SECRET_ENV = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "discord_token": "DISCORD_TOKEN",
    "openai_api_key": "OPENAI_API_KEY",
    "review_secret": "MOCKROOM_REVIEW_SECRET",
}
_PLACEHOLDER = re.compile(
    r"changeme|change-me|replace[-_ ]?me|your[-_ ]|placeholder|dummy|example|<[^>]*>|x{6,}|^\.\.\.$",
    re.IGNORECASE,
)
