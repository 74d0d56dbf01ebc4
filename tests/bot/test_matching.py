"""Matching: the pure score of an offer for a need (the weights table in bot/platform/matching.py), then ranking
and refreshing matches in a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.platform import matching
from bot.platform import rules as p
from bot.platform.matching import KEEP, NOTIFY_AT_MOST, NOTIFY_FROM, NeedFacts, OfferFacts, rank, refresh, score
from bot.registration.people import meet
from storage.models import Match, Person
from storage.taxonomy import Answer, Area, Challenge, EntryStatus, Kind, Language, Region, Visibility, bit, to_mask

# ------------------------------------------------------------------------------------- score()

NEED = NeedFacts(
    id=1, state_code="SN", region=Region.AFRICA, area=Area.CLEARANCE,
    kinds=to_mask([Kind.FINANCIAL, Kind.EQUIPMENT]), amount=None, currency=None, starts_on=None, ends_on=None,
)
# Anywhere, every kind wanted, in a language Senegal does not speak, no amount, no period.
OFFER = OfferFacts(
    id=7, state_code="NO", kinds=to_mask([Kind.FINANCIAL, Kind.EQUIPMENT, Kind.EXPERTISE]),
    areas=to_mask([Area.CLEARANCE, Area.RISK_EDUCATION]), regions=0, countries=[],
    languages=to_mask([Language.ENGLISH]), amount=None, currency=None, starts_on=None, ends_on=None,
)
BASE = 0.35 + 0.10 + 0.0 + 0.05 + 0.05  # kinds all, anywhere, no common language, amount and period open


def points(need: NeedFacts = NEED, offer: OfferFacts = OFFER) -> float:
    result = score(need, offer)
    assert result is not None
    return result[0]


def reasons(need: NeedFacts = NEED, offer: OfferFacts = OFFER) -> list[dict]:
    result = score(need, offer)
    assert result is not None
    return result[1]


def reason(name: str, need: NeedFacts = NEED, offer: OfferFacts = OFFER) -> dict | None:
    found = [r for r in reasons(need, offer) if r["reason"] == name]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_base_case_scores_as_the_table_says():
    assert points() == pytest.approx(BASE)
    assert reasons() == [
        {"reason": "area", "area": "clearance"},
        {"reason": "kinds", "kinds": ["financial", "equipment"]},
        {"reason": "anywhere"},
    ]


@pytest.mark.parametrize(
    "offer",
    [
        pytest.param(replace(OFFER, state_code="SN"), id="same State"),
        pytest.param(replace(OFFER, areas=to_mask([Area.VICTIM_ASSISTANCE, Area.RISK_EDUCATION])),
                     id="area not covered"),
        pytest.param(replace(OFFER, areas=0), id="no area at all"),
        pytest.param(replace(OFFER, kinds=to_mask([Kind.EXPERTISE, Kind.KNOW_HOW])), id="no kind in common"),
        pytest.param(replace(OFFER, countries=["KH", "LA"]), id="other countries only"),
        pytest.param(replace(OFFER, regions=bit(Region.ASIA) | bit(Region.EUROPE)), id="other regions only"),
        pytest.param(replace(OFFER, regions=bit(Region.ASIA), countries=["KH"]), id="other region and country"),
    ],
)
def test_hard_filters_leave_the_offer_out(offer):
    assert score(NEED, offer) is None


def test_an_offer_covering_the_area_among_others_fits():
    assert score(NEED, replace(OFFER, areas=to_mask(Area))) is not None


def test_place_ladder_country_named_beats_region_beats_anywhere():
    country = replace(OFFER, countries=["SN", "ML"])
    region = replace(OFFER, regions=bit(Region.AFRICA))
    anywhere = OFFER
    assert points(offer=country) == pytest.approx(BASE - 0.10 + 0.25)
    assert points(offer=region) == pytest.approx(BASE - 0.10 + 0.20)
    assert points(offer=anywhere) == pytest.approx(BASE)
    assert reason("country", offer=country) == {"reason": "country", "state": "SN"}
    assert reason("region", offer=region) == {"reason": "region", "region": "africa"}
    assert reason("anywhere") == {"reason": "anywhere"}


def test_a_named_country_wins_over_regions_and_a_region_serves_beside_other_countries():
    named_outside_its_regions = replace(OFFER, countries=["SN"], regions=bit(Region.EUROPE))
    assert reason("country", offer=named_outside_its_regions) == {"reason": "country", "state": "SN"}
    region_with_other_countries = replace(OFFER, countries=["KH"], regions=bit(Region.AFRICA))
    assert reason("region", offer=region_with_other_countries) == {"reason": "region", "region": "africa"}
    assert reason("country", offer=region_with_other_countries) is None


def test_kinds_score_the_share_of_the_kinds_wanted():
    need = replace(NEED, kinds=to_mask([Kind.FINANCIAL, Kind.EQUIPMENT, Kind.EXPERTISE, Kind.KNOW_HOW]))
    one = replace(OFFER, kinds=to_mask([Kind.EQUIPMENT, Kind.BEST_PRACTICE]))
    three = replace(OFFER, kinds=to_mask([Kind.FINANCIAL, Kind.EQUIPMENT, Kind.KNOW_HOW]))
    assert points(need, one) == pytest.approx(BASE - 0.35 + 0.35 / 4)
    assert points(need, three) == pytest.approx(BASE - 0.35 + 0.35 * 3 / 4)
    assert reason("kinds", need, one) == {"reason": "kinds", "kinds": ["equipment"]}
    assert reason("kinds", need, three) == {"reason": "kinds", "kinds": ["financial", "equipment", "know_how"]}


def test_language_counts_the_official_languages_of_the_needing_state():
    # Senegal's official language in CLDR is French: an offer in French beats one in Russian only.
    french = replace(OFFER, languages=to_mask([Language.FRENCH, Language.ENGLISH]))
    russian = replace(OFFER, languages=to_mask([Language.RUSSIAN]))
    assert points(offer=french) == pytest.approx(points(offer=russian) + 0.15)
    assert reason("language", offer=french) == {"reason": "language", "languages": ["fr"]}
    assert reason("language", offer=russian) is None
    # Algeria: Arabic and French both official; the reason lists both, sorted.
    algeria = replace(NEED, state_code="DZ")
    both = replace(OFFER, languages=to_mask([Language.FRENCH, Language.ARABIC]))
    assert reason("language", algeria, both) == {"reason": "language", "languages": ["ar", "fr"]}
    # An offer saying no language at all is "unknown": a little, not nothing.
    assert points(offer=replace(OFFER, languages=0)) == pytest.approx(BASE + 0.05)


def test_amount_in_the_same_currency_scores_the_ratio():
    need = replace(NEED, amount=Decimal("100000.00"), currency="USD")
    equal = replace(OFFER, amount=Decimal("100000.00"), currency="USD")
    half = replace(OFFER, amount=Decimal("50000.00"), currency="USD")
    double = replace(OFFER, amount=Decimal("200000.00"), currency="USD")
    fifth = replace(OFFER, amount=Decimal("20000.00"), currency="USD")
    open_base = BASE - 0.05  # the amount's 0.05 "not comparable" is replaced by the ratio
    assert points(need, equal) == pytest.approx(open_base + 0.15)
    assert points(need, half) == pytest.approx(open_base + 0.075)
    assert points(need, double) == pytest.approx(points(need, half))  # smaller / larger, either way
    assert points(need, fifth) == pytest.approx(open_base + 0.03)
    assert reason("amount", need, equal) == {"reason": "amount", "currency": "USD", "covers": 1.0}
    assert reason("amount", need, half) == {"reason": "amount", "currency": "USD", "covers": 0.5}
    assert reason("amount", need, fifth) is None  # too far apart to be worth saying


def test_amounts_in_different_currencies_or_missing_are_not_comparable():
    need = replace(NEED, amount=Decimal("100000.00"), currency="USD")
    euros = replace(OFFER, amount=Decimal("100000.00"), currency="EUR")
    none = OFFER
    for offer in (euros, none):
        assert points(need, offer) == pytest.approx(BASE)
        assert reason("amount", need, offer) is None
    assert points(NEED, replace(OFFER, amount=Decimal("5000.00"), currency="USD")) == pytest.approx(BASE)


def test_period_scores_the_share_of_the_need_s_time_frame():
    need = replace(NEED, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))  # 365 days
    open_base = BASE - 0.05
    whole = replace(OFFER, starts_on=date(2026, 1, 1), ends_on=date(2028, 12, 31))
    second_half = replace(OFFER, starts_on=date(2027, 7, 1), ends_on=date(2028, 6, 30))  # 184 days of it
    from_october = replace(OFFER, starts_on=date(2027, 10, 1))  # no end: 92 days of it
    until_january = replace(OFFER, ends_on=date(2027, 1, 31))  # no start: 31 days of it
    after = replace(OFFER, starts_on=date(2028, 1, 1), ends_on=date(2028, 6, 30))
    assert points(need, whole) == pytest.approx(open_base + 0.10)
    assert points(need, second_half) == pytest.approx(open_base + 0.10 * 184 / 365, abs=1e-4)
    assert points(need, from_october) == pytest.approx(open_base + 0.10 * 92 / 365, abs=1e-4)
    assert points(need, until_january) == pytest.approx(open_base + 0.10 * 31 / 365, abs=1e-4)
    assert points(need, after) == pytest.approx(open_base)
    assert reason("period", need, second_half) == {"reason": "period"}
    assert reason("period", need, after) is None


def test_an_open_period_on_either_side_scores_a_little():
    dated_need = replace(NEED, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    dated_offer = replace(OFFER, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
    half_open_need = replace(NEED, starts_on=date(2027, 1, 1))
    for need, offer in ((NEED, dated_offer), (dated_need, OFFER), (half_open_need, dated_offer)):
        assert points(need, offer) == pytest.approx(BASE)
        assert reason("period", need, offer) is None


def test_the_perfect_offer_scores_exactly_one_with_every_reason():
    need = replace(NEED, amount=Decimal("250000.00"), currency="EUR", starts_on=date(2027, 1, 1),
                   ends_on=date(2027, 6, 30))
    offer = replace(OFFER, countries=["SN"], languages=to_mask([Language.FRENCH]), amount=Decimal("250000.00"),
                    currency="EUR", starts_on=date(2026, 12, 1), ends_on=date(2027, 12, 31))
    total, why = score(need, offer)
    assert total == 1.0
    assert [r["reason"] for r in why] == ["area", "kinds", "country", "language", "amount", "period"]


def test_no_combination_scores_above_one():
    needs = [
        NEED,
        replace(NEED, kinds=to_mask(Kind), amount=Decimal("1000.00"), currency="USD"),
        replace(NEED, state_code="DZ", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 1)),
        replace(NEED, amount=Decimal("0.01"), currency="USD", starts_on=date(2027, 1, 1), ends_on=date(2030, 1, 1)),
    ]
    axes = (
        [to_mask([Kind.FINANCIAL]), to_mask(Kind)],
        [([], 0), (["SN", "DZ"], 0), ([], to_mask(Region)), (["SN"], to_mask(Region))],
        [0, to_mask([Language.FRENCH]), to_mask(Language)],
        [(None, None), (Decimal("1000.00"), "USD"), (Decimal("9999999999.99"), "USD"), (Decimal("0.01"), "USD")],
        [(None, None), (date(2027, 1, 1), None), (date(2020, 1, 1), date(2035, 1, 1))],
    )
    seen = 0
    for need in needs:
        for kinds, (countries, regions), languages, (amount, currency), (starts, ends) in itertools.product(*axes):
            offer = replace(OFFER, kinds=kinds, countries=countries, regions=regions, languages=languages,
                            amount=amount, currency=currency, starts_on=starts, ends_on=ends)
            result = score(need, offer)
            assert result is not None
            assert 0 < result[0] <= 1.0
            seen += 1
    assert seen == len(needs) * 2 * 4 * 3 * 4 * 3


# ---------------------------------------------------------------------------- rank(), refresh()


def delegate(session, slack_user_id: str, state: str, now) -> Person:
    person = meet(session, slack_user_id, now=now, fetch_locale=lambda: None)
    person.state_code = state
    session.commit()
    return person


def need_form(**changes) -> p.NeedForm:
    values = dict(
        area=Area.CLEARANCE, kinds=[Kind.FINANCIAL, Kind.EQUIPMENT], challenges=[Challenge.FINANCIAL],
        title="Survey of the northern provinces", description="Non-technical survey of 40 villages.",
        amount=None, currency=None, starts_on=None, ends_on=None, location=None, visibility=Visibility.PUBLIC,
        consent_to_mapping=True, ownership=[],
    )
    return p.NeedForm(**{**values, **changes})


def offer_form(**changes) -> p.OfferForm:
    values = dict(
        kinds=[Kind.FINANCIAL, Kind.EQUIPMENT], areas=[Area.CLEARANCE], regions=[], countries=[],
        title="Clearance funding", description="Funding and detectors for clearance.", amount=None,
        currency=None, capacity=None, languages=[Language.ENGLISH], starts_on=None, ends_on=None, contact=None,
        visibility=Visibility.PUBLIC,
    )
    return p.OfferForm(**{**values, **changes})


def matches_of(session, need_id: int) -> dict[int, Match]:
    return {m.offer_id: m for m in session.scalars(select(Match).where(Match.need_id == need_id))}


def test_rank_for_a_need_orders_fitting_offers_and_leaves_out_the_rest(database, clock):
    with database() as session:
        now = clock.now()
        kh, no, fr, jp, de, ch, at, it = (
            delegate(session, f"U{code}1", code, now) for code in ("KH", "NO", "FR", "JP", "DE", "CH", "AT", "IT")
        )
        stale = p.post(session, at, offer_form(countries=["KH"]), now=now)  # the best fit, but nobody confirms it
        clock.advance(days=200)
        now = clock.now()
        named = p.post(session, no, offer_form(countries=["KH"]), now=now)
        region = p.post(session, fr, offer_form(regions=[Region.ASIA]), now=now)
        anywhere = p.post(session, jp, offer_form(), now=now)
        partly = p.post(session, de, offer_form(kinds=[Kind.FINANCIAL]), now=now)
        p.change_status(session, de, "offer", partly.id, EntryStatus.PARTLY_MET, now=now)
        withdrawn = p.post(session, de, offer_form(countries=["KH"]), now=now)
        p.change_status(session, de, "offer", withdrawn.id, EntryStatus.WITHDRAWN, now=now)
        met = p.post(session, ch, offer_form(countries=["KH"]), now=now)
        p.change_status(session, ch, "offer", met.id, EntryStatus.MET, now=now)
        own = p.post(session, kh, offer_form(), now=now)
        other_area = p.post(session, it, offer_form(areas=[Area.VICTIM_ASSISTANCE]), now=now)
        elsewhere = p.post(session, it, offer_form(regions=[Region.AFRICA]), now=now)
        need = p.post(session, kh, need_form(), now=now)

        ranked = rank(session, need, now=now)

    assert [offer_id for offer_id, _, _ in ranked] == [named.id, region.id, anywhere.id, partly.id]
    scores = [points for _, points, _ in ranked]
    assert scores == sorted(scores, reverse=True)
    assert scores[:3] == pytest.approx([0.35 + 0.25 + 0.10, 0.35 + 0.20 + 0.10, 0.35 + 0.10 + 0.10])
    assert ranked[0][2][2] == {"reason": "country", "state": "KH"}
    left_out = {stale.id, withdrawn.id, met.id, own.id, other_area.id, elsewhere.id}
    assert left_out.isdisjoint(offer_id for offer_id, _, _ in ranked)


def test_an_entry_is_stale_after_six_months_without_confirmation(database, clock):
    with database() as session:
        kh = delegate(session, "UKH1", "KH", clock.now())
        no = delegate(session, "UNO1", "NO", clock.now())
        offer = p.post(session, no, offer_form(), now=clock.now())
        clock.advance(days=181)
        need = p.post(session, kh, need_form(), now=clock.now())
        assert [o for o, _, _ in rank(session, need, now=clock.now())] == [offer.id]
        clock.advance(days=2)
        assert rank(session, need, now=clock.now()) == []
        p.confirm_current(session, no, "offer", offer.id, now=clock.now())
        assert [o for o, _, _ in rank(session, need, now=clock.now())] == [offer.id]


def test_rank_for_an_offer_orders_needs_with_their_state_s_region(database, clock):
    with database() as session:
        now = clock.now()
        kh, th, sn, no, fr = (delegate(session, f"U{c}1", c, now) for c in ("KH", "TH", "SN", "NO", "FR"))
        cambodia = p.post(session, kh, need_form(), now=now)
        thailand = p.post(session, th, need_form(kinds=[Kind.FINANCIAL, Kind.KNOW_HOW]), now=now)
        senegal = p.post(session, sn, need_form(), now=now)
        risk = p.post(session, kh, need_form(area=Area.RISK_EDUCATION), now=now)
        own = p.post(session, no, need_form(), now=now)
        french = p.post(session, fr, need_form(), now=now)
        offer = p.post(session, no, offer_form(regions=[Region.ASIA], countries=["KH"],
                                               areas=[Area.CLEARANCE, Area.VICTIM_ASSISTANCE]), now=now)
        ranked = rank(session, offer, now=now)
    assert [need_id for need_id, _, _ in ranked] == [cambodia.id, thailand.id]
    assert ranked[1][2][2] == {"reason": "region", "region": "asia"}
    assert {senegal.id, risk.id, own.id, french.id}.isdisjoint(n for n, _, _ in ranked)


def test_refresh_keeps_the_best_and_announces_only_good_new_matches(database, clock):
    with database() as session:
        now = clock.now()
        kh = delegate(session, "UKH1", "KH", now)
        no = delegate(session, "UNO1", "NO", now)
        # 5 good offers (0.80, 0.70, 0.65, 0.55, 0.55) and 9 weak ones (one kind of two: 0.375).
        good = [
            p.post(session, no, offer_form(countries=["KH"], amount=Decimal(1000), currency="USD"), now=now),
            p.post(session, no, offer_form(countries=["KH"]), now=now),
            p.post(session, no, offer_form(regions=[Region.ASIA]), now=now),
            p.post(session, no, offer_form(), now=now),
            p.post(session, no, offer_form(), now=now),
        ]
        weak = [p.post(session, no, offer_form(kinds=[Kind.EQUIPMENT]), now=now) for _ in range(9)]
        need = p.post(session, kh, need_form(amount=Decimal(1000), currency="USD"), now=now)

        announced = refresh(session, need, now=now)

        kept = matches_of(session, need.id)
        assert len(kept) == KEEP
        assert set(kept) == {o.id for o in good} | {o.id for o in weak[:KEEP - len(good)]}
        assert len(announced) == NOTIFY_AT_MOST
        assert [m.offer_id for m in announced] == [o.id for o in good[:NOTIFY_AT_MOST]]
        assert [m.score for m in announced] == pytest.approx([0.80, 0.70, 0.65])
        assert all(m.score >= NOTIFY_FROM for m in announced)
        assert all(m.need_answer == m.offer_answer == Answer.WAITING for m in kept.values())

        # The other side refreshing later finds the same pair: no duplicate, nothing announced again.
        assert refresh(session, good[0], now=now) == []
        assert session.scalar(select(func.count()).select_from(Match)) == KEEP


def test_refresh_announces_nothing_below_the_threshold(database, clock):
    with database() as session:
        now = clock.now()
        kh = delegate(session, "UKH1", "KH", now)
        no = delegate(session, "UNO1", "NO", now)
        p.post(session, no, offer_form(kinds=[Kind.EQUIPMENT]), now=now)  # 0.375
        best = p.post(session, no, offer_form(), now=now)  # 0.55
        need = p.post(session, kh, need_form(), now=now)
        announced = refresh(session, need, now=now)
        assert [m.offer_id for m in announced] == [best.id]
        assert len(matches_of(session, need.id)) == 2


def test_a_second_refresh_rescores_but_never_remakes_a_dismissed_match(database, clock):
    with database() as session:
        now = clock.now()
        kh = delegate(session, "UKH1", "KH", now)
        no = delegate(session, "UNO1", "NO", now)
        kept_offer = p.post(session, no, offer_form(), now=now)
        dismissed_offer = p.post(session, no, offer_form(), now=now)
        need = p.post(session, kh, need_form(), now=now)
        assert len(refresh(session, need, now=now)) == 2
        first = matches_of(session, need.id)
        dismissed = first[dismissed_offer.id]
        matching.answer(session, kh, dismissed.id, accept=False, now=now)

        clock.advance(days=3)
        later = clock.now()
        for offer in (kept_offer, dismissed_offer):  # both now name Cambodia: a better fit
            p.edit(session, no, "offer", offer.id, offer_form(countries=["KH"]), now=later)
        assert refresh(session, need, now=later) == []
        assert refresh(session, dismissed_offer, now=later) == []

        again = matches_of(session, need.id)
        assert set(again) == {kept_offer.id, dismissed_offer.id}
        rescored = again[kept_offer.id]
        assert rescored.id == first[kept_offer.id].id
        assert rescored.score == pytest.approx(0.35 + 0.25 + 0.10)
        assert rescored.updated_at == later
        assert {"reason": "country", "state": "KH"} in rescored.reasons
        untouched = again[dismissed_offer.id]
        assert untouched.id == dismissed.id
        assert untouched.need_answer == Answer.NOT_RELEVANT
        assert untouched.score == pytest.approx(0.35 + 0.10 + 0.10)
        assert untouched.updated_at == now
        assert session.scalar(select(func.count()).select_from(Match)) == 2


def test_a_match_that_no_longer_fits_after_an_edit_is_not_offered_any_more(database, clock):
    with database() as session:
        now = clock.now()
        kh = delegate(session, "UKH1", "KH", now)
        no = delegate(session, "UNO1", "NO", now)
        offer = p.post(session, no, offer_form(countries=["KH"]), now=now)
        need = p.post(session, kh, need_form(), now=now)
        assert [m.offer_id for m in refresh(session, need, now=now)] == [offer.id]

        clock.advance(days=1)
        p.edit(session, no, "offer", offer.id, offer_form(regions=[Region.AFRICA]), now=clock.now())
        assert rank(session, offer, now=clock.now()) == []  # Cambodia is not served any more
        refresh(session, offer, now=clock.now())

        assert matching.best_for(session, need, kh) == []
        assert matching.waiting_for(session, kh) == []


def test_ranking_in_the_database_agrees_with_score_over_every_candidate(database, clock):
    """rank() lets the database score and keep the best few; on varied data its top entries, scores and
    order must be those of score() applied to every candidate."""
    from tests.benchmarks.bench_platform import load, new_entries
    from tests.ranking_reference import rank_everything

    now = clock.now()
    delegates = load(database, now, entries=600, seed=7)
    for label, entry in new_entries(database, delegates, now):
        with database() as session:
            expected = rank_everything(session, entry, now)[:KEEP]
            got = rank(session, entry, now=now)
        assert expected, label  # the data gives every case something to rank
        assert [i for i, _, _ in got] == [i for i, _, _ in expected], label
        assert [s for _, s, _ in got] == pytest.approx([s for _, s, _ in expected]), label
