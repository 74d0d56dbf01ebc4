"""Every view renders in every language within Slack's limits (slack_sdk validates them on to_dict)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.i18n import LANGUAGES, Translator
from bot.platform.blocks import browse_view, entry_view, need_form, offer_form, usage_sections
from bot.registration.blocks import home_view, registration_modal
from storage.models import Need, Offer, Person, StateParty
from storage.platform import Usage
from storage.taxonomy import Area, EntryStatus, Language, Region, Visibility, to_mask

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def states() -> list[StateParty]:
    from storage.states import read_reference

    return [StateParty(**row, updated_at=NOW) for row in read_reference()]


def longest_need() -> Need:
    return Need(id=123456, state_code="CD", posted_by=1, title="T" * 150, description="&" * 3000, kinds=31,
                amount=Decimal("9999999999999.99"), currency="XOF", starts_on=date(2027, 1, 1),
                ends_on=date(2030, 12, 31), visibility=Visibility.ISU, status=EntryStatus.PARTLY_MET,
                created_at=NOW, updated_at=NOW, confirmed_at=NOW, area=Area.STOCKPILE_DESTRUCTION, challenges=7,
                location="L" * 200, consent_to_mapping=True, ownership=31)


def longest_offer() -> Offer:
    return Offer(id=654321, state_code="GB", posted_by=1, title="<" * 150, description=">" * 3000, kinds=31,
                 amount=Decimal("1"), currency="EUR", starts_on=None, ends_on=date(2030, 1, 1),
                 visibility=Visibility.STATES, status=EntryStatus.OPEN, created_at=NOW, updated_at=NOW,
                 confirmed_at=NOW, areas=31, regions=to_mask(Region), countries=["KH", "CD", "VC"],
                 capacity="c" * 500, languages=to_mask(Language), contact="x" * 200)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_view_renders_within_slacks_limits(language):
    tr = Translator(language)
    everyone = states()
    person = Person(slack_user_id="U0ABC", locale=language, state_code="CD", is_focal_point=True, roles=[])
    need, offer = longest_need(), longest_offer()
    views = [
        registration_modal(tr, everyone),
        need_form(tr, need, channel="C0GENERAL"),
        offer_form(tr, offer, everyone, channel=None),
        entry_view(tr, need, [], now=NOW, can_edit=True),
        entry_view(tr, offer, [], now=NOW, can_edit=False),
        browse_view(tr, {"side": "need", "page": 3, "size": 10, "status": "current"}, [need] * 10, 1000, everyone,
                    now=NOW),
        home_view(tr, person, None, usage_sections(tr, Usage(1, 2, 3, 4, 5), Usage(6, 7, 8, 9, 10))),
    ]
    for view in views:
        assert view.to_dict()  # raises SlackObjectFormationError past a limit
