"""What happens before the bot answers anyone: schema upgrade, reference data, first ISU staff."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.clock import Clock
from bot.registration.people import bootstrap_admins
from bot.settings import Settings
from storage.db import make_session_factory, upgrade
from storage.states import count_states, sync_reference


def prepare_database(engine: Engine, settings: Settings, clock: Clock) -> None:
    upgrade(engine)
    with make_session_factory(engine)() as session:
        if count_states(session) == 0:  # first start; later edits go through `pfp states sync`
            sync_reference(session, clock.now())
            session.commit()
        bootstrap_admins(session, settings.admins, now=clock.now())
        session.commit()
