"""Settings of the knowledge-base services, read from the environment and ``.env``."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """One settings object for the app env; every field can be set by an env variable."""

    # var/secrets.env: the shared secrets `make run` generates when none are set.
    model_config = SettingsConfigDict(
        env_file=(".env", PROJECT_ROOT / "var" / "secrets.env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'trolyao.db'}",
        description="SQLAlchemy URL; SQLite under var/ by default, PostgreSQL in production.",
    )
    database_echo: bool = False
    search_threshold: float = Field(default=0.31, ge=0.0, le=1.0)
    search_ambiguity_margin: float = Field(default=0.06, ge=0.0, le=1.0)
    portal_url: str = "https://dichvucong.gov.vn"
    provincial_portal_url: str = "https://dichvucong.langson.gov.vn"

    # Help-desk contact details shown to citizens; unset ones point to the portal.
    contact_phone: str | None = None
    contact_email: str | None = None
    contact_address: str | None = None
    contact_hours: str | None = None

    # The Rasa engine and the action server (localhost only).
    rasa_url: str = "http://127.0.0.1:5005"
    # The engine answers only the edge (its channel needs this bearer token), and the
    # action server only the engine (Rasa sends this token with every action call).
    edge_engine_token: str | None = Field(default=None, min_length=32)
    action_server_token: str | None = Field(default=None, min_length=32)
    action_server_url: str = "http://127.0.0.1:5055"
    api_host: str = "127.0.0.1"
    # The proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs; never
    # "*"); empty: none, so a client cannot pick the address its limits are counted on
    # (api/clients.py reads the header from the right, skipping these hops).
    trusted_proxies: str = ""
    api_port: int = 8000
    # Rasa's stores: SQLite files under var/ by default.
    tracker_store_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa_tracker.db'}",
        description="sqlite:///... or postgresql://... for Rasa's SQL tracker store.",
    )
    lock_store_url: str | None = Field(
        default=None, description="redis://host:port/db for a Redis lock store; unset: in memory"
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://host:port/db: the edge's rate limits, button payloads and"
        " answered message ids, shared by API replicas; unset: in memory",
    )
    event_broker_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa_events.db'}",
        description="sqlite:///... or postgresql://... (SQL broker) or amqp://... (RabbitMQ)",
    )
    event_broker_queue: str = "rasa_events"
    # The web chat at the edge.
    cors_origins: list[str] = Field(
        default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"],
        description="Origins allowed to call the chat API (provincial pages embedding it).",
    )
    chat_max_chars: int = 1000
    # An import through the admin API stops checking after this many seconds (the CLI has
    # no limit): a hostile or huge file cannot hold a worker for minutes.
    import_check_seconds: float = Field(default=120.0, gt=0)
    chat_rate_per_session: int = 20  # messages per minute
    chat_rate_per_ip: int = 120  # messages per minute
    engine_timeout_seconds: float = 4.5

    # Telegram (python-telegram-bot): polling from `make run`, or a webhook in the API.
    telegram_bot_token: str | None = None
    telegram_mode: str = Field(default="polling", pattern="^(polling|webhook)$")
    # Every secret this project chooses is 32+ characters (third parties' own tokens are
    # as their issuers make them).
    telegram_webhook_secret: str | None = Field(default=None, min_length=32, max_length=256)
    telegram_id_secret: str | None = Field(
        default=None,
        min_length=32,
        description="Key of the hash that maps Telegram users to sender ids.",
    )
    telegram_base_url: str = "https://api.telegram.org/bot"

    # Zalo Official Account (Open API v3): the webhook is served by the API when the app id
    # and the OA secret key are set; sending needs the tokens (refreshed and kept in the DB).
    # The key of channels' tokens at rest (trolyao/deliveries.py); old keys decrypt only.
    channel_token_key: str | None = Field(default=None, min_length=32)
    channel_token_old_keys: str = ""
    zalo_app_id: str | None = None
    zalo_oa_secret_key: str | None = Field(default=None, description="Webhook signatures.")
    zalo_access_token: str | None = None
    zalo_refresh_token: str | None = None
    zalo_app_secret: str | None = Field(default=None, description="Token refresh (secret_key).")
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    zalo_id_secret: str | None = Field(
        default=None,
        min_length=32,
        description="Key of the hash that maps Zalo users to sender ids.",
    )

    # Staff authentication (analytics and knowledge-base administration).
    auth_token_ttl_minutes: int = Field(default=60, ge=5, le=24 * 60)
    auth_max_failures: int = Field(default=5, ge=1)
    auth_lockout_minutes: int = Field(default=15, ge=1)
    session_cookie_secure: bool = Field(
        default=True,
        description="Send the staff pages' session cookie over HTTPS only (browsers also "
        "accept it on http://localhost). Set false only behind a trusted plain-HTTP intranet.",
    )

    # Analytics: how long turns (and ingested broker events) are kept.
    analytics_retention_days: int = Field(default=365, ge=1)
    # A closed hand-off (with the contact the citizen left) is deleted after this many days.
    handoff_retention_days: int = Field(default=30, ge=1)

    # Data deletion: seconds to wait after a request before deleting, and before re-checking.
    deletion_grace_seconds: float = 3.0
    deletion_resweep_seconds: float = 60.0

    @field_validator("database_url", "tracker_store_url")
    @classmethod
    def _normalise_postgres_driver(cls, value: str) -> str:
        # A plain postgresql:// URL means psycopg 3, the driver installed in the app env.
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        # Only named proxies: "*" (or 0.0.0.0/0) would let any client choose its address.
        parts = [p.strip() for p in value.split(",") if p.strip()]
        for part in parts:
            try:
                network = ipaddress.ip_network(part, strict=False)
            except ValueError as exc:
                raise ValueError(
                    f"TRUSTED_PROXIES: {part!r} is not an address or a CIDR (never '*')"
                ) from exc
            if network.prefixlen == 0:
                raise ValueError(f"TRUSTED_PROXIES: {part!r} would trust every sender")
        return ",".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
