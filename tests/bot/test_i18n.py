"""The translation layer: catalogs complete and well-formed, CLDR names, mrkdwn escaping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALE_DIR, UN_LANGUAGES, Translator, country_name, language_of
from bot.text import Mrkdwn, SlackUser, StateCode, escape, mention

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CODE_SPAN = re.compile(r"`[^`]*`")


def extracted_messages() -> set[str]:
    """What `pybabel extract -F babel.cfg -k N_ -k mrkdwn` finds in the code and templates today."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "mrkdwn": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_in_the_code_is_translated(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = extracted_messages() - set(translated)
    assert not missing, f"untranslated in {language}: run pybabel update (README) and translate: {sorted(missing)}"
    for message_id, text in translated.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(message_id)), message_id
        assert CODE_SPAN.findall(text) == CODE_SPAN.findall(message_id), message_id


def test_slack_locales_map_to_our_languages():
    assert [language_of(x) for x in ("fr-FR", "fr-CA", "es-419", "es_ES", "en-US", "ru-RU", None, "")] == [
        "fr", "fr", "es", "es", "en", "en", "en", "en"
    ]


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "Cambodia"), ("fr", "Cambodge"), ("es", "Camboya"), ("ar", "كمبوديا"), ("ru", "Камбоджа"), ("zh", "柬埔寨")],
)
def test_country_names_come_from_cldr_in_the_six_un_languages(language, name):
    assert language in UN_LANGUAGES
    assert country_name("KH", language) == name


def test_values_in_messages_are_shown_in_the_readers_language():
    french = Translator("fr")
    assert french.show(date(2026, 4, 30)) == "30 avril 2026"
    assert french.show(StateCode("DE")) == "Allemagne"
    assert Translator("en").show(datetime(2026, 11, 23, 9, 5, tzinfo=UTC)) == "23 November 2026, 09:05 UTC"
    assert Translator().show(SlackUser("U0ABC")) == "<@U0ABC>"


def test_parameters_are_escaped_in_mrkdwn_but_not_what_the_bot_built():
    text = Translator().mrkdwn("{who} wrote: {what}", who=SlackUser("U0ABC"), what="<!here> & <@U1|x>")
    assert text == "<@U0ABC> wrote: &lt;!here&gt; &amp; &lt;@U1|x&gt;"
    assert Translator().mrkdwn("{name}", name=StateCode("BA")) == "Bosnia &amp; Herzegovina"


def test_escape_only_touches_the_three_characters_slack_reserves():
    assert escape("l'État & <b>\"x\"</b>") == "l'État &amp; &lt;b&gt;\"x\"&lt;/b&gt;"
    assert escape(Mrkdwn("<@U1>")) == "<@U1>"
    with pytest.raises(ValueError):
        mention("<!channel>")
