"""The sandbox in a real browser (Debian's Chromium, driven by Playwright): a person who has never seen the
project posts a need as Colombia's focal point and sees it announced, then moves the clock to March and sees
Senegal's Article 7 reminder arrive in French. A screenshot of each step is kept under
`test-artifacts/sandbox/` (and the README's picture of the sandbox is one of them).

The README's test command skips these with one clear line when no Chromium is found; `.ci/run` installs it and
sets PFP_TEST_REQUIRE_BROWSER, so there they cannot be skipped quietly."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.clock import SandboxClock
from bot.sandbox.run import start

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox"
COLOMBIA, SENEGAL, NORWAY, CAMBODIA, ANNA, KENJI = (
    "U0MARIA01", "U0AMINA01", "U0INGRID1", "U0SOKHA01", "U0ANNA001", "U0KENJI01")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("PFP_TEST_REQUIRE_BROWSER"):
            pytest.fail("PFP_TEST_REQUIRE_BROWSER is set but no Chromium was found")
        pytest.skip("browser tests: no Chromium found (install Debian's chromium to run them)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, tmp_path):
    clock = SandboxClock(datetime(2027, 2, 1, 9, tzinfo=UTC))
    _sandbox, web, stop = start(port=0, database_url=f"sqlite:///{tmp_path / 'sandbox.sqlite3'}", clock=clock,
                                scheduler=False)
    threading.Thread(target=web.run, name="sandbox-web", daemon=True).start()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    opened.goto(f"http://127.0.0.1:{web.effective_port}/")
    try:
        yield opened
    finally:
        context.close()
        stop()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def act_as(page, user_id: str) -> None:
    page.get_by_test_id("person-switcher").select_option(user_id)


def command(page, typed: str) -> None:
    """Types a slash command in #general, as in Slack."""
    page.get_by_test_id("channel-C0GENERAL").click()
    composer = page.get_by_test_id("composer")
    composer.fill(typed)
    composer.press("Escape")  # the command list closes; Enter then sends
    composer.press("Enter")


def check(modal, block_id: str, value: str) -> None:
    modal.get_by_test_id(f"input-{block_id}").locator(f'input[data-value="{value}"]').check()


def text(modal, block_id: str, typed: str) -> None:
    modal.get_by_test_id(f"input-{block_id}").locator("input, textarea").first.fill(typed)


def post_colombias_need(page) -> None:
    act_as(page, COLOMBIA)
    command(page, "/need")
    modal = page.get_by_test_id("modal")
    modal.get_by_text("Necesidad de asistencia").wait_for()  # the form, in Colombia's Spanish
    modal.get_by_test_id("input-area").locator("select").select_option(label="Reconocimiento y limpieza (artículo 5)")
    modal.get_by_test_id("input-kinds").locator('input[data-value="expertise"]').check()
    modal.get_by_test_id("input-challenges").locator('input[data-value="technical"]').check()
    modal.get_by_test_id("input-title").locator("input").fill("Reconocimiento técnico en Antioquia")
    modal.get_by_test_id("input-description").locator("textarea").fill("40 zonas sospechosas por reconocer.")
    modal.get_by_test_id("input-visibility").locator('input[data-value="public"]').check()
    shot(page, "1-need-form")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("modal").wait_for(state="detached")


def test_a_focal_point_posts_a_need_and_sees_it_announced(page):
    post_colombias_need(page)
    page.get_by_test_id("channel-C0PLATFORM").click()
    page.get_by_test_id("messages").get_by_text("Reconocimiento técnico en Antioquia").first.wait_for()
    shot(page, "2-need-announced")


def test_a_donor_offers_and_both_focal_points_hear_of_the_match(page):
    post_colombias_need(page)
    act_as(page, NORWAY)
    command(page, "/offer")
    modal = page.get_by_test_id("modal")
    modal.get_by_text("Offer of assistance").wait_for()
    text(modal, "title", "Survey teams for the Americas")
    text(modal, "description", "Two technical survey teams for a year.")
    check(modal, "kinds", "expertise")
    check(modal, "areas", "clearance")
    check(modal, "regions", "americas")
    check(modal, "languages", "es")
    check(modal, "visibility", "public")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("modal").wait_for(state="detached")
    page.get_by_test_id("dm-pfp").click()
    page.get_by_test_id("messages").get_by_text("Reconocimiento técnico en Antioquia").first.wait_for()
    shot(page, "4-match-for-norway")
    act_as(page, COLOMBIA)
    page.get_by_test_id("dm-pfp").click()
    page.get_by_test_id("messages").get_by_text("Survey teams for the Americas").first.wait_for()
    shot(page, "5-match-for-colombia")


def test_a_meeting_requested_approved_by_the_isu_and_accepted(page):
    act_as(page, CAMBODIA)
    command(page, "/meeting")
    modal = page.get_by_test_id("modal")
    modal.get_by_text("Situation actuelle", exact=False).or_(modal.get_by_test_id("input-situation")).first.wait_for()
    modal.get_by_test_id("input-occasion").locator("select").select_option(index=2)  # the MSP, after the IM
    for block, day in (("date_1", "2027-11-16"), ("date_2", "2027-11-23")):
        modal.get_by_test_id(f"input-{block}").locator("input").fill(day)
    check(modal, "invite_roles", "committee")
    text(modal, "situation", "40 zones suspectes restent à enquêter.")
    text(modal, "solutions", "Remise à disposition des terres par enquête technique.")
    check(modal, "sharing", "none")
    shot(page, "6-meeting-request")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("modal").wait_for(state="detached")

    act_as(page, ANNA)
    page.get_by_test_id("channel-C0ISU").click()
    page.locator('[data-action-id="meeting.approve"]').first.click()
    modal = page.get_by_test_id("modal")
    modal.get_by_text("Approve and schedule").first.wait_for()
    text(modal, "place", "Palais des Nations, room XI")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("modal").wait_for(state="detached")

    act_as(page, KENJI)
    page.get_by_test_id("dm-pfp").click()
    page.locator('[data-action-id="meeting.invitation.accept"]').first.click()
    page.get_by_test_id("messages").get_by_text("You accepted", exact=False).first.wait_for()
    act_as(page, ANNA)
    page.get_by_test_id("channel-C0ISU").click()
    page.get_by_test_id("messages").get_by_text("1 accepted", exact=False).first.wait_for()
    shot(page, "7-meeting-attendance")


def test_moving_the_clock_to_march_brings_the_article7_reminder_in_french(page):
    act_as(page, SENEGAL)
    page.get_by_test_id("clock-date").fill("2027-03-01")
    page.get_by_test_id("clock-go-to").click()
    page.get_by_test_id("clock-now").get_by_text("2027", exact=False).wait_for()
    page.get_by_test_id("dm-pfp").click()
    page.get_by_test_id("messages").get_by_text("article 7", exact=False).first.wait_for()
    assert "rapport" in page.get_by_test_id("messages").inner_text()
    shot(page, "3-article7-reminder")
