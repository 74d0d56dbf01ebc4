"""Settings read from the environment (and an optional `.env` file).

Every problem is reported as one `SettingsError` line that names the variable and says how to fix
it, so an administrator starting the bot never has to read a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.text import USER_ID

SLACK_API_DEFAULT = "https://slack.com/api/"
DATABASE_DEFAULT = "sqlite:///pfp.sqlite3"

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for the administrator."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str
    isu_channel: str
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = DATABASE_DEFAULT
    port: int = 3000
    host: str = "0.0.0.0"  # noqa: S104 -- a server in a container listens on every interface
    admins: tuple[str, ...] = field(default_factory=tuple)
    platform_channel: str | None = None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv_path: str | None = ".env") -> Settings:
        """Reads settings; values already in the environment win over the `.env` file."""
        env = _environment(environ, dotenv_path)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        app_token = get("SLACK_APP_TOKEN")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN must start with 'xapp-': copy the App-Level Token (connections:write) "
                "from your Slack app's Basic Information page, or unset it to use HTTP mode."
            )
        bot_token = get("SLACK_BOT_TOKEN")
        if bot_token is None:
            raise SettingsError(
                "SLACK_BOT_TOKEN is missing: set it to the Bot User OAuth Token (xoxb-...) "
                "from your Slack app's OAuth & Permissions page."
            )
        if not bot_token.startswith("xoxb-"):
            raise SettingsError(
                "SLACK_BOT_TOKEN must start with 'xoxb-': use the Bot User OAuth Token "
                "from your Slack app's OAuth & Permissions page."
            )
        signing_secret = get("SLACK_SIGNING_SECRET")
        if signing_secret is None and app_token is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is missing: copy the Signing Secret from your Slack app's "
                "Basic Information page (it is needed in HTTP mode, when SLACK_APP_TOKEN is not set)."
            )
        isu_channel = get("PFP_ISU_CHANNEL")
        if isu_channel is None or not _CHANNEL_ID.match(isu_channel):
            raise SettingsError(
                "PFP_ISU_CHANNEL must be the ID of the ISU channel (like C0123ABCD): in Slack, open the "
                "channel's details and copy the Channel ID at the bottom."
            )
        platform_channel = get("PFP_PLATFORM_CHANNEL")
        if platform_channel is not None and not _CHANNEL_ID.match(platform_channel):
            raise SettingsError(
                "PFP_PLATFORM_CHANNEL must be a channel ID (like C0123ABCD), not a name: copy it from "
                "the channel's details in Slack, or unset it."
            )
        api_url = get("SLACK_API_URL") or SLACK_API_DEFAULT
        if not re.match(r"^https?://[^/\s]+", api_url):
            raise SettingsError(
                "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ (or unset it)."
            )
        if not api_url.endswith("/"):
            api_url += "/"
        database_url = _database_url(env)
        port_text = get("PORT") or "3000"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"PORT must be a number between 1 and 65535, not {port_text!r}.")
        admins = tuple(a.strip() for a in (get("PFP_ADMINS") or "").split(",") if a.strip())
        for admin in admins:
            if not USER_ID.match(admin):
                raise SettingsError(
                    f"PFP_ADMINS must list Slack user IDs separated by commas (like U0123ABCD), "
                    f"not {admin!r}: find an ID in the person's Slack profile, under 'Copy member ID'."
                )
        return cls(
            slack_bot_token=bot_token,
            slack_signing_secret=signing_secret or "",
            isu_channel=isu_channel,
            slack_app_token=app_token,
            slack_api_url=api_url,
            database_url=database_url,
            port=int(port_text),
            host=get("HOST") or "0.0.0.0",  # noqa: S104
            admins=admins,
            platform_channel=platform_channel,
        )


def _environment(environ: Mapping[str, str] | None, dotenv_path: str | None) -> dict[str, str]:
    env: dict[str, str] = {}
    if dotenv_path and os.path.exists(dotenv_path):
        from dotenv import dotenv_values

        env.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return env


def _database_url(env: Mapping[str, str]) -> str:
    database_url = env.get("DATABASE_URL", "").strip() or DATABASE_DEFAULT
    try:
        make_url(database_url)
    except ArgumentError:
        raise SettingsError(
            "DATABASE_URL is not a database URL: use sqlite:///pfp.sqlite3 or "
            "postgresql+psycopg://user:password@host:5432/dbname."
        ) from None
    return database_url


def database_url_from_env(environ: Mapping[str, str] | None = None, *, dotenv_path: str | None = ".env") -> str:
    """DATABASE_URL alone, read and checked as Settings does, for commands that never talk to Slack."""
    return _database_url(_environment(environ, dotenv_path))
