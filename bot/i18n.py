"""The one translation layer: gettext catalogs kept with Babel, CLDR names and dates from Babel.

Catalogs live as `.po` source under `bot/locale/`; they are compiled in memory when first used, so a
fresh clone needs no build step and no compiled `.mo` file is ever out of date.
"""

from __future__ import annotations

import gettext
import io
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from bot.text import Channel, Mrkdwn, Msg, SlackUser, StateCode, channel_link, escape, mention

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
# Languages with a catalog. Country names and dates also work in the other UN languages (ar, ru, zh).
LANGUAGES = ("en", "fr", "es")
UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def language_of(slack_locale: str | None) -> str:
    """Slack's `fr-FR` -> `fr`; anything we have no words for -> English."""
    if not slack_locale:
        return DEFAULT_LANGUAGE
    language = slack_locale.replace("_", "-").split("-")[0].lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == DEFAULT_LANGUAGE or not po_file.exists():
        return gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _templates(language: str, *, document: bool = False) -> Environment:
    # One environment per language: installing translations is global to an environment. Slack text is
    # mrkdwn, escaped by `finalize`; a document (a Markdown report) is written as it is.
    environment = Environment(
        # The shared templates, and each capability's own (bot/<capability>/templates/).
        loader=ChoiceLoader([PackageLoader("bot", "templates"), PackageLoader("bot.meetings", "templates"),
                            PackageLoader("bot.partnerships", "templates")]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 -- output is mrkdwn or Markdown, never HTML
        finalize=None if document else (lambda value: escape(value) if isinstance(value, str) else value),
    )
    environment.install_gettext_translations(_catalog(language), newstyle=True)  # type: ignore[attr-defined]
    return environment


class Translator:
    """Everything a person reads, in their language."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._translations = _catalog(self.language)

    def _(self, message: str, **params: Any) -> str:
        """Plain text (for plain_text fields): parameters are shown in the reader's language."""
        translated = self._translations.gettext(message)
        return translated.format(**{k: self.show(v) for k, v in params.items()}) if params else translated

    def mrkdwn(self, message: str, **params: Any) -> Mrkdwn:
        """mrkdwn text: each parameter is escaped unless the bot built it (`Mrkdwn`)."""
        translated = self._translations.gettext(message)
        return Mrkdwn(translated.format(**{k: escape(self.show(v)) for k, v in params.items()}))

    def show(self, value: Any) -> str:
        """A value as the reader should see it: dates and countries localised, users mentioned."""
        if isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, StateCode):
            return self.country(value)
        if isinstance(value, SlackUser):
            return mention(value)
        if isinstance(value, Channel):
            return channel_link(value)
        if isinstance(value, Msg):
            return self._(value)
        if isinstance(value, Decimal):  # amounts: 9,999,999,999,999 / 9 999 999 999 999
            return self.number(value)
        return value if isinstance(value, str) else str(value)

    def render(self, template: str, **values: Any) -> Mrkdwn:
        return Mrkdwn(_templates(self.language).get_template(template).render(tr=self, **values).strip())

    def document(self, template: str, **values: Any) -> str:
        """A file's text (a Markdown report), in this language: nothing escaped for Slack."""
        return _templates(self.language, document=True).get_template(template).render(tr=self, **values).strip() + "\n"

    def country(self, code: str) -> str:
        return country_name(code, self.language)

    def number(self, value: Any) -> str:
        return format_decimal(value, locale=_locale(self.language))

    def date(self, day: date) -> str:
        return format_date(day, format="long", locale=_locale(self.language))

    def datetime(self, moment: datetime) -> str:
        return format_datetime(moment, format="d MMMM y, HH:mm 'UTC'", locale=_locale(self.language))


# The Convention writes English the British way (UN style): "27 December 2025".
_CLDR_LOCALE = {"en": "en_GB"}


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(_CLDR_LOCALE.get(language, language))


def country_name(code: str, language: str) -> str:
    """A territory name in any of the six UN languages (or another CLDR language)."""
    return _locale(language).territories.get(code.upper(), code.upper())


# CLDR names for codes that are not countries: unknown, groupings, and pseudo-locales.
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB"})


def is_territory(code: str) -> bool:
    """Whether CLDR knows this two-letter code as a country or territory."""
    code = code.upper()
    return (
        len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
        and code in _locale(DEFAULT_LANGUAGE).territories
    )


def territories() -> list[str]:
    """Every country or territory CLDR knows, by code: where an organisation can have its seat."""
    return sorted(code for code in _locale(DEFAULT_LANGUAGE).territories if is_territory(code))


def fold(text: str) -> str:
    """A name as compared: case, accents and spacing set aside, so "Côte  d'Ivoire" and "cote d'ivoire" are one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def country_names_folded() -> frozenset[str]:
    """Every country's name, folded, in the bot's languages: a name no organisation may take."""
    return frozenset(fold(name) for language in LANGUAGES for code, name in _locale(language).territories.items()
                     if is_territory(code))


@cache
def official_languages(code: str) -> frozenset[str]:
    """The languages CLDR lists as official (or de facto official) in a country: 'fr', 'es', ..."""
    spoken = get_global("territory_languages").get(code.upper(), {})
    return frozenset(
        language.split("_")[0]
        for language, facts in spoken.items()
        if facts.get("official_status") in ("official", "de_facto_official")
    )
