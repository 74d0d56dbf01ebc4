"""`Settings.from_env`: defaults, modes, and one clear line naming the variable for every bad setting."""

from __future__ import annotations

import pytest

from bot.settings import DATABASE_DEFAULT, SLACK_API_DEFAULT, Settings, SettingsError

MINIMAL = {
    "SLACK_BOT_TOKEN": "xoxb-123-456-abc",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
    "PFP_ISU_CHANNEL": "C0ISU",
}


def load(dotenv_path=None, **changes: str | None) -> Settings:
    """Settings from MINIMAL with `changes` applied (None removes a variable); no .env unless given."""
    environ = {**MINIMAL, **changes}
    return Settings.from_env({k: v for k, v in environ.items() if v is not None}, dotenv_path=dotenv_path)


def test_a_minimal_environment_gives_the_defaults():
    settings = load()
    assert settings.slack_bot_token == "xoxb-123-456-abc"
    assert settings.slack_signing_secret == MINIMAL["SLACK_SIGNING_SECRET"]
    assert settings.isu_channel == "C0ISU"
    assert settings.database_url == DATABASE_DEFAULT == "sqlite:///pfp.sqlite3"
    assert settings.port == 3000
    assert settings.host == "0.0.0.0"  # noqa: S104 - the documented default, not a bind
    assert settings.slack_api_url == SLACK_API_DEFAULT == "https://slack.com/api/"
    assert settings.slack_app_token is None
    assert settings.socket_mode is False
    assert settings.admins == ()
    assert settings.platform_channel is None
    assert settings.slack_pace_seconds == 1.0


def test_values_are_taken_as_given_and_blank_ones_count_as_unset():
    settings = load(
        DATABASE_URL="postgresql+psycopg://pfp:pw@db:5432/pfp",
        PORT="8080",
        HOST="127.0.0.1",
        PFP_PLATFORM_CHANNEL="C0PLATFORM",
        SLACK_APP_TOKEN="   ",
    )
    assert settings.database_url == "postgresql+psycopg://pfp:pw@db:5432/pfp"
    assert (settings.port, settings.host) == (8080, "127.0.0.1")
    assert settings.platform_channel == "C0PLATFORM"
    assert settings.socket_mode is False


def test_slack_api_url_gets_a_trailing_slash():
    assert load(SLACK_API_URL="http://127.0.0.1:8765/api").slack_api_url == "http://127.0.0.1:8765/api/"
    assert load(SLACK_API_URL="http://127.0.0.1:8765/api/").slack_api_url == "http://127.0.0.1:8765/api/"


def test_an_app_token_means_socket_mode_and_no_signing_secret_is_needed():
    settings = load(SLACK_APP_TOKEN="xapp-1-A0APP-123-abc", SLACK_SIGNING_SECRET=None)
    assert settings.socket_mode is True
    assert settings.slack_app_token == "xapp-1-A0APP-123-abc"
    assert settings.slack_signing_secret == ""


def test_admins_are_a_tuple_of_user_ids():
    assert load(PFP_ADMINS="UADMIN1, W0ADMIN2 ,,UADMIN3").admins == ("UADMIN1", "W0ADMIN2", "UADMIN3")
    assert load(PFP_ADMINS="UADMIN1").admins == ("UADMIN1",)
    assert load(PFP_ADMINS="").admins == ()


def test_the_pace_of_messages_is_seconds_between_two_in_one_channel_and_zero_turns_it_off():
    assert load(PFP_SLACK_PACE_SECONDS="1.5").slack_pace_seconds == 1.5
    assert load(PFP_SLACK_PACE_SECONDS="0").slack_pace_seconds == 0.0
    assert load(PFP_SLACK_PACE_SECONDS="10").slack_pace_seconds == 10.0
    assert load(PFP_SLACK_PACE_SECONDS=" ").slack_pace_seconds == 1.0


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        pytest.param({"SLACK_BOT_TOKEN": None}, "SLACK_BOT_TOKEN", id="bot-token-missing"),
        pytest.param({"SLACK_BOT_TOKEN": "  "}, "SLACK_BOT_TOKEN", id="bot-token-blank"),
        pytest.param({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN", id="bot-token-malformed"),
        pytest.param({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET", id="signing-secret-missing"),
        pytest.param({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN", id="app-token-malformed"),
        pytest.param({"PFP_ISU_CHANNEL": None}, "PFP_ISU_CHANNEL", id="isu-channel-missing"),
        pytest.param({"PFP_ISU_CHANNEL": "#isu"}, "PFP_ISU_CHANNEL", id="isu-channel-name"),
        pytest.param({"PFP_ISU_CHANNEL": "UADMIN1"}, "PFP_ISU_CHANNEL", id="isu-channel-user-id"),
        pytest.param({"PFP_PLATFORM_CHANNEL": "#platform"}, "PFP_PLATFORM_CHANNEL", id="platform-channel-name"),
        pytest.param({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", id="api-url-no-scheme"),
        pytest.param({"SLACK_API_URL": "ftp://slack.com/api/"}, "SLACK_API_URL", id="api-url-ftp"),
        pytest.param({"DATABASE_URL": "not a url"}, "DATABASE_URL", id="database-url-malformed"),
        pytest.param({"PORT": "abc"}, "PORT", id="port-abc"),
        pytest.param({"PORT": "0"}, "PORT", id="port-0"),
        pytest.param({"PORT": "70000"}, "PORT", id="port-70000"),
        pytest.param({"PORT": "-1"}, "PORT", id="port-negative"),
        pytest.param({"PFP_ADMINS": "UADMIN1,@alice"}, "PFP_ADMINS", id="admins-handle"),
        pytest.param({"PFP_SLACK_PACE_SECONDS": "fast"}, "PFP_SLACK_PACE_SECONDS", id="pace-word"),
        pytest.param({"PFP_SLACK_PACE_SECONDS": "-1"}, "PFP_SLACK_PACE_SECONDS", id="pace-negative"),
        pytest.param({"PFP_SLACK_PACE_SECONDS": "11"}, "PFP_SLACK_PACE_SECONDS", id="pace-too-slow"),
        pytest.param({"PFP_SLACK_PACE_SECONDS": "nan"}, "PFP_SLACK_PACE_SECONDS", id="pace-nan"),
        pytest.param({"PFP_SLACK_PACE_SECONDS": "1e3"}, "PFP_SLACK_PACE_SECONDS", id="pace-exponent"),
    ],
)
def test_a_missing_or_malformed_setting_is_one_line_naming_the_variable(changes, variable):
    with pytest.raises(SettingsError) as raised:
        load(**changes)
    message = str(raised.value)
    assert variable in message
    assert "\n" not in message
    assert message.strip() == message and message


def test_the_port_error_quotes_the_value_given():
    with pytest.raises(SettingsError, match="'70000'"):
        load(PORT="70000")


def test_the_pace_error_quotes_the_value_given():
    with pytest.raises(SettingsError, match="'-1'"):
        load(PFP_SLACK_PACE_SECONDS="-1")


def test_the_admins_error_quotes_the_bad_entry():
    with pytest.raises(SettingsError, match="'@alice'"):
        load(PFP_ADMINS="UADMIN1,@alice")


def test_a_malformed_app_token_is_reported_even_without_a_signing_secret():
    # The app token is checked first: a malformed one must not be hidden behind "signing secret missing".
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        load(SLACK_APP_TOKEN="oops", SLACK_SIGNING_SECRET=None)


def test_a_dotenv_file_is_read(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# settings for a local run\n"
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\n"
        "SLACK_SIGNING_SECRET=secret-from-dotenv\n"
        "PFP_ISU_CHANNEL=C0DOTENV\n"
        "PORT=4000\n"
        'PFP_ADMINS="UADMIN1,UADMIN2"\n',
        encoding="utf-8",
    )
    settings = Settings.from_env({}, dotenv_path=str(dotenv))
    assert settings.slack_bot_token == "xoxb-from-dotenv"
    assert settings.slack_signing_secret == "secret-from-dotenv"
    assert settings.isu_channel == "C0DOTENV"
    assert settings.port == 4000
    assert settings.admins == ("UADMIN1", "UADMIN2")


def test_the_real_environment_wins_over_the_dotenv_file(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nPFP_ISU_CHANNEL=C0DOTENV\nPORT=4000\n", encoding="utf-8")
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-from-env", "SLACK_SIGNING_SECRET": "s", "PORT": "5000"}, dotenv_path=str(dotenv)
    )
    assert settings.slack_bot_token == "xoxb-from-env"
    assert settings.port == 5000
    assert settings.isu_channel == "C0DOTENV"  # only in the file: still read


def test_a_bad_value_in_the_dotenv_file_is_reported_like_any_other(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=abc\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="PORT"):
        Settings.from_env(dict(MINIMAL), dotenv_path=str(dotenv))


def test_a_missing_dotenv_file_is_fine(tmp_path):
    settings = Settings.from_env(dict(MINIMAL), dotenv_path=str(tmp_path / "absent.env"))
    assert settings.isu_channel == "C0ISU"


def test_without_a_dotenv_path_no_file_is_read(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("PFP_ISU_CHANNEL=C0DOTENV\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env(dict(MINIMAL), dotenv_path=None).isu_channel == "C0ISU"


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://app:secret@db.example.org:5432/pfp", "postgresql+psycopg://app:secret@db.example.org:5432/pfp"),
    ("postgresql://app@db/pfp", "postgresql+psycopg://app@db/pfp"),
    ("postgresql+psycopg2://app@db/pfp", "postgresql+psycopg://app@db/pfp"),
    ("sqlite:///pfp.sqlite3", "sqlite:///pfp.sqlite3"),
])
def test_the_database_url_hosted_services_hand_out_works(given, used):
    from bot.settings import database_url_from_env

    assert database_url_from_env({"DATABASE_URL": given}, dotenv_path=None) == used


def test_an_unsupported_database_is_one_line_naming_what_is_supported():
    from bot.settings import SettingsError, database_url_from_env

    with pytest.raises(SettingsError) as refused:
        database_url_from_env({"DATABASE_URL": "mysql://root@localhost/pfp"}, dotenv_path=None)
    assert str(refused.value) == ("DATABASE_URL names a mysql database; pfp works with SQLite (sqlite:///pfp.sqlite3) "
                                  "or PostgreSQL (postgresql://user:password@host:5432/dbname).")
