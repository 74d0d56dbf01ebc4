from tests.conftest import ADMIN


def test_help(bot):
    response = bot.slack.command("/pfp", "help", user_id=ADMIN)
    assert response.status == 200, response.text
    print(response.json())
