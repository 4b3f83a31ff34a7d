"""Daily housekeeping (scheduler.housekeeping): a bot that runs for months forgets stored
updates handled more than a week ago and expired download links with the files made for them,
and keeps everything else: unhandled updates, recent ones, live links, kept documents."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from scheduler.service import SchedulerService
from storage import inbound
from storage.db import transaction
from storage.downloads import KEPT_PREFIX
from storage.files.store import StoreError
from storage.models import DownloadLink, InboundUpdate
from tests.test_downloads import new_link

pytestmark = pytest.mark.both_databases


def test_old_handled_updates_and_expired_links_go_the_rest_stays(app, clock):
    with transaction(app.make_session) as session:
        old, recent, waiting = inbound.store_updates(
            session,
            channel="telegram",
            updates=[(str(n), {"update_id": n}) for n in (1, 2, 3)],
            clock=clock,
        )
        assert inbound.mark_handled(session, update_id=old, now=clock.now())
    kept_document = f"{KEPT_PREFIX}ab/" + "ab" * 32
    new_link(app, "links/a/bang-tong-hop.xlsx", hours=1)
    new_link(app, kept_document, hours=1)
    clock.advance(timedelta(days=7, hours=1))
    with transaction(app.make_session) as session:
        assert inbound.mark_handled(session, update_id=recent, now=clock.now())
    new_link(app, "links/b/con-han.xlsx", hours=24)

    service = SchedulerService(
        make_session=app.make_session, clock=clock, zone=app.settings.zone, files=app.files
    )
    tidied = asyncio.run(service.housekeeping())

    assert (tidied.updates, tidied.files) == (1, 1)
    with app.make_session() as session:
        left = {row.id for row in session.exec(select(InboundUpdate)).all()}
        links = session.exec(select(DownloadLink.file_path)).all()
    assert left == {recent, waiting}  # the unhandled one stays, however old
    assert links == ["links/b/con-han.xlsx"]
    with pytest.raises(StoreError):
        app.files.get("links/a/bang-tong-hop.xlsx")  # the file made for the link is gone
    assert app.files.get(kept_document)  # a kept document outlives every link to it
    assert app.files.get("links/b/con-han.xlsx")
