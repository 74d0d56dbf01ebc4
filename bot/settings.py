"""Settings read from the environment (and an optional `.env` file).

Every problem is reported as one `SettingsError` line that names the variable and says how to fix
it, so an administrator starting the bot never has to read a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.text import USER_ID

SLACK_API_DEFAULT = "https://slack.com/api/"
DATABASE_DEFAULT = "sqlite:///pfp.sqlite3"

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for the administrator."""


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out. Each is a setting (README: Settings)."""

    article7_days: tuple[int, ...] = (-60, -30, -14, -3, 7)  # days from 30 April; after it only while missing
    platform_days: tuple[int, ...] = (-56, -28)  # days before each Intersessional Meetings and MSP (8 and 4 weeks)
    hours: tuple[int, int] = (9, 17)  # the recipient's local daytime, weekdays only
    grace: timedelta = timedelta(days=2)  # a reminder later than this is recorded as skipped, never sent late
    lease: timedelta = timedelta(minutes=10)  # how long a sender holds a reminder before another may take it
    every: timedelta = timedelta(minutes=5)  # how often the scheduler ticks
    leadership: timedelta = timedelta(seconds=15)  # how often a follower tries to take the lead (PostgreSQL)
    in_serve: bool = True  # `pfp serve` runs the scheduler too (PFP_SCHEDULER=off: run `pfp scheduler` apart)


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
    slack_pace_seconds: float = 1.0  # between two messages to one channel (Slack: about one a second); 0: no pace
    reminders: ReminderSettings = field(default_factory=ReminderSettings)

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
        pace_text = get("PFP_SLACK_PACE_SECONDS") or "1"
        if not re.fullmatch(r"[0-9]{1,2}(\.[0-9]+)?", pace_text) or float(pace_text) > 10:
            raise SettingsError(
                f"PFP_SLACK_PACE_SECONDS must be the seconds between two messages to one channel, from 0 (no pace) "
                f"to 10, such as 1 or 1.5, not {pace_text!r}."
            )
        return cls(
            reminders=_reminder_settings(get),
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
            slack_pace_seconds=float(pace_text),
        )


def _reminder_settings(get) -> ReminderSettings:
    default = ReminderSettings()
    days_text = get("PFP_ARTICLE7_DAYS")
    try:
        days = tuple(sorted({int(d) for d in days_text.split(",")})) if days_text else default.article7_days
    except ValueError:
        raise SettingsError(
            f"PFP_ARTICLE7_DAYS must be whole numbers of days from 30 April separated by commas, such as "
            f"-60,-30,-14,-3,7 (negative: before it), not {days_text!r}."
        ) from None
    if any(not -366 < d < 366 for d in days):
        raise SettingsError("PFP_ARTICLE7_DAYS must stay within a year of 30 April (between -365 and 365).")
    platform_text = get("PFP_PLATFORM_UPDATE_DAYS")
    try:
        platform = (tuple(sorted({int(d) for d in platform_text.split(",")})) if platform_text
                    else default.platform_days)
    except ValueError:
        platform = (1,)
    if any(not -366 < d < 0 for d in platform):
        raise SettingsError(
            f"PFP_PLATFORM_UPDATE_DAYS must be days before each meeting, negative and separated by commas, such as "
            f"-56,-28, not {platform_text!r}."
        )
    hours_text = get("PFP_REMINDER_HOURS") or "9-17"
    match = re.fullmatch(r"([0-9]{1,2})-([0-9]{1,2})", hours_text)
    if match is None or not 0 <= int(match.group(1)) < int(match.group(2)) <= 24:
        raise SettingsError(
            f"PFP_REMINDER_HOURS must be the recipients' local daytime as START-END hours, such as 9-17, "
            f"not {hours_text!r}."
        )
    grace_text = get("PFP_REMINDER_GRACE_DAYS") or "2"
    if not grace_text.isdigit() or not 0 < int(grace_text) <= 30:
        raise SettingsError(f"PFP_REMINDER_GRACE_DAYS must be a number of days from 1 to 30, not {grace_text!r}.")
    every_text = get("PFP_REMINDER_TICK_MINUTES") or "5"
    if not every_text.isdigit() or not 0 < int(every_text) <= 60:
        raise SettingsError(f"PFP_REMINDER_TICK_MINUTES must be a number of minutes from 1 to 60, not {every_text!r}.")
    leadership_text = get("PFP_SCHEDULER_LEADERSHIP_SECONDS") or "15"
    if not leadership_text.isdigit() or not 0 < int(leadership_text) <= 60:
        raise SettingsError(
            f"PFP_SCHEDULER_LEADERSHIP_SECONDS must be a number of seconds from 1 to 60 (how soon another process "
            f"takes over the reminders when the one sending them stops), not {leadership_text!r}."
        )
    in_serve = (get("PFP_SCHEDULER") or "on").lower()
    if in_serve not in ("on", "off"):
        raise SettingsError(f"PFP_SCHEDULER must be on (pfp serve sends the reminders) or off, not {in_serve!r}.")
    return ReminderSettings(article7_days=days, platform_days=platform,
                            hours=(int(match.group(1)), int(match.group(2))),
                            grace=timedelta(days=int(grace_text)), every=timedelta(minutes=int(every_text)),
                            leadership=timedelta(seconds=int(leadership_text)), in_serve=in_serve == "on")


SLACK_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PFP_ISU_CHANNEL")
SANDBOX_DATABASE_DEFAULT = "sqlite:///pfp-sandbox.sqlite3"  # the sandbox's own: never the production data


def slack_settings_given(environ: Mapping[str, str] | None = None, *, dotenv_path: str | None = ".env") -> list[str]:
    """Which of the settings that connect a Slack workspace are set: none means the sandbox; some but not all
    is an error for Settings.from_env to name (a half-configured production never falls back to the sandbox)."""
    env = _environment(environ, dotenv_path)
    return [name for name in SLACK_SETTINGS if env.get(name, "").strip()]


def sandbox_settings_from_env(environ: Mapping[str, str] | None = None, *,
                              dotenv_path: str | None = ".env") -> tuple[int, str]:
    """The sandbox's port (PORT, 3000) and database (PFP_SANDBOX_DATABASE_URL, its own SQLite file)."""
    env = _environment(environ, dotenv_path)
    port_text = env.get("PORT", "").strip() or "3000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SettingsError(f"PORT must be a number between 1 and 65535, not {port_text!r}.")
    url = database_url_of(env.get("PFP_SANDBOX_DATABASE_URL", "").strip() or SANDBOX_DATABASE_DEFAULT,
                          name="PFP_SANDBOX_DATABASE_URL")
    return int(port_text), url


def _environment(environ: Mapping[str, str] | None, dotenv_path: str | None) -> dict[str, str]:
    env: dict[str, str] = {}
    if dotenv_path and os.path.exists(dotenv_path):
        from dotenv import dotenv_values

        env.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return env


def _database_url(env: Mapping[str, str]) -> str:
    return database_url_of(env.get("DATABASE_URL", "").strip() or DATABASE_DEFAULT)


def database_url_of(database_url: str, *, name: str = "DATABASE_URL") -> str:
    """A database URL the bot can use. The `postgres://` form hosted PostgreSQL services hand out means
    PostgreSQL through psycopg 3 (the driver installed); a database other than SQLite or PostgreSQL is one
    line naming those two."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise SettingsError(
            f"{name} is not a database URL: use sqlite:///pfp.sqlite3 or "
            "postgresql+psycopg://user:password@host:5432/dbname."
        ) from None
    backend, _, driver = url.drivername.partition("+")  # as written: naming a driver loads nothing yet
    if backend in ("postgres", "postgresql") and driver in ("", "psycopg", "psycopg2"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"{name} names a {backend} database; pfp works with SQLite (sqlite:///pfp.sqlite3) or PostgreSQL "
            "(postgresql://user:password@host:5432/dbname)."
        )
    return database_url


def reminder_settings_from_env(environ: Mapping[str, str] | None = None, *,
                               dotenv_path: str | None = ".env") -> ReminderSettings:
    """The reminders' settings alone, read and checked as Settings does, for `pfp reminders preview`."""
    env = _environment(environ, dotenv_path)
    return _reminder_settings(lambda name: env.get(name, "").strip() or None)


def database_url_from_env(environ: Mapping[str, str] | None = None, *, dotenv_path: str | None = ".env") -> str:
    """DATABASE_URL alone, read and checked as Settings does, for commands that never talk to Slack."""
    return _database_url(_environment(environ, dotenv_path))
