"""The ranking done the slow, obvious way: every current entry on the other side through score().

bot.matching.rank() lets the database score and keep the best few; this reference is what it must
agree with (tests/bot/test_matching.py), and what the benchmark counts candidates with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.platform.matching import _need_facts, _offer_facts, score
from bot.platform.rules import CURRENT, STALE_AFTER, Entry
from storage.models import Need, Offer, StateParty


def rank_everything(session: Session, entry: Entry, now: datetime) -> list[tuple[int, float, list[dict[str, Any]]]]:
    fresh_since = now - STALE_AFTER
    other = Offer if isinstance(entry, Need) else Need
    rows = session.scalars(select(other).where(other.status.in_(CURRENT), other.confirmed_at >= fresh_since))
    regions = {code: region for code, region in session.execute(select(StateParty.code, StateParty.region))}
    scored = []
    for row in rows:
        need, offer = (entry, row) if isinstance(entry, Need) else (row, entry)
        result = score(_need_facts(need, regions[need.state_code]), _offer_facts(offer))
        if result is not None:
            scored.append((row.id, *result))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored
