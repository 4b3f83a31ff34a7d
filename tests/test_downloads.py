"""Download links: files the bot makes, offered on Zalo (which cannot send files) as a
time-limited, unguessable link on the bot's own web endpoint (issue 8)."""

from __future__ import annotations

import logging
import re
import socket
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.web import WebServer, files_route
from handlers.context import Context, Role
from handlers.events import OutgoingFile, Reply
from storage.db import transaction
from storage.downloads import create_link, find_link, hash_token, purge_expired
from storage.files.location import files_folder
from storage.models import DownloadLink
from tests import test_zalo_support as support
from tests.fakes.zalo_api import FakeZaloBot, get

# The shared fixtures (pytest finds them by name in this module).
fake, zalo, loop, start_zalo = support.fake, support.zalo, support.loop, support.start_zalo

EVERYONE = {Role.stranger, Role.focal, Role.secretariat}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT = OutgoingFile("Tổng hợp báo cáo 2026.xlsx", b"PK\x03\x04 a workbook", XLSX)
LINK = re.compile(r"(http://\S+/files/(\S+))")


def new_link(app, key: str, *, hours: int = 24) -> str:
    app.files.put(key, EXPORT.data)
    with transaction(app.make_session) as session:
        return create_link(
            session,
            file_path=key,
            file_name=EXPORT.file_name,
            mime_type=EXPORT.mime_type,
            valid_for=timedelta(hours=hours),
            clock=app.clock,
        ).token


def get_as(url: str, cookie: str | None) -> tuple[int, bytes, dict[str, str]]:
    """GET as a browser holding `cookie` ('name=value'), as download links expect."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), error.read(), dict(error.headers)


# --- storage ---------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_links_are_random_stored_hashed_and_expire(app, clock, tmp_path):
    token = new_link(app, "links/a/a.xlsx")
    other = new_link(app, "links/b/b.xlsx")
    assert token != other and len(token) >= 43  # 256 random bits, URL-safe base64
    with app.make_session() as session:
        hashes = set(session.exec(select(DownloadLink.token_hash)).all())
        assert hashes == {hash_token(token), hash_token(other)} and token not in str(hashes)
        assert find_link(session, token=token, clock=clock) is not None
        assert find_link(session, token=token[:-1] + "x", clock=clock) is None
        assert find_link(session, token="", clock=clock) is None
    clock.advance(timedelta(hours=24))
    with transaction(app.make_session) as session:
        assert find_link(session, token=token, clock=clock) is None
        assert sorted(purge_expired(session, clock=clock)) == ["links/a/a.xlsx", "links/b/b.xlsx"]
        assert session.exec(select(DownloadLink)).all() == []


# --- the web endpoint --------------------------------------------------------------------------


@pytest.fixture
def web(app, loop):
    server = WebServer(
        listen="127.0.0.1", port=0, routes=[files_route(app.make_session, app.clock, app.files)]
    )
    loop.run(server.start())
    yield server
    loop.run(server.stop())


def test_a_link_works_before_it_expires_and_is_404_after(app, clock, web, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    token = new_link(app, "links/x/export.xlsx", hours=24)
    status, body, headers = get(f"{web.url}/files/{token}")
    assert status == 200 and body == EXPORT.data
    assert headers["Content-Type"] == XLSX and headers["Cache-Control"] == "no-store"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p" in disposition

    cookie = headers["Set-Cookie"].split(";", 1)[0]  # the browser that opened it first
    clock.advance(timedelta(hours=23, minutes=59))
    assert get_as(f"{web.url}/files/{token}", cookie)[0] == 200
    clock.advance(timedelta(minutes=1))
    expired = get_as(f"{web.url}/files/{token}", cookie)
    wrong = get(f"{web.url}/files/{token[:-2]}zz")
    assert expired[0] == wrong[0] == 404
    assert expired[1] == wrong[1] == b"404 Not Found\n"  # the same bare answer: nothing learnt
    assert get(f"{web.url}/files/")[0] == 404
    assert token not in caplog.text  # the access log hides the token


def test_a_link_whose_file_is_gone_is_404(app, web, tmp_path):
    token = new_link(app, "links/x/export.xlsx")
    app.files.delete("links/x/export.xlsx")
    assert get(f"{web.url}/files/{token}")[0] == 404


# --- files on Zalo -----------------------------------------------------------------------------


def with_export(app) -> None:
    def export(ctx: Context, args: str) -> list[Reply]:
        return [Reply("Bảng tổng hợp đã sẵn sàng.", file=EXPORT)]

    app.dispatcher.registry.command("xuat", export, roles=EVERYONE, description_key="cmd.help")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_file_on_zalo_comes_as_a_link_that_expires(start_zalo, zalo: FakeZaloBot, clock):
    port = free_port()
    bot = start_zalo(
        setup=with_export,
        options=replace(support.QUICK, web_port=None),
        public_url=f"http://127.0.0.1:{port}",
        http_port=port,
        download_link_hours=2,
    )
    lan = zalo.user("Lan")
    answer = bot.say(lan, "/xuat")
    assert answer.startswith("Bảng tổng hợp đã sẵn sàng.")
    assert "Tải tệp “Tổng hợp báo cáo 2026.xlsx” tại: http://127.0.0.1:" in answer
    assert "hết hạn lúc 11:00 02/11/2026" in answer
    url, token = LINK.search(answer).groups()  # type: ignore[union-attr]
    status, body, _ = get(url)
    assert status == 200 and body == EXPORT.data
    # Kept in the bot's one file store, beside the database (not in a folder of its own).
    files = list(files_folder(bot.app.settings.database_url).rglob("*.xlsx"))
    assert len(files) == 1 and files[0].read_bytes() == EXPORT.data

    clock.advance(timedelta(hours=2))
    assert get(url)[0] == 404
    assert get(url.replace(token, token[::-1]))[0] == 404
    # The next file tidies up: the expired link and its file are gone.
    bot.say(lan, "/xuat")
    assert len(list(files_folder(bot.app.settings.database_url).rglob("*.xlsx"))) == 1
    with bot.app.make_session() as session:
        assert len(session.exec(select(DownloadLink)).all()) == 1


def test_without_a_public_url_the_reply_says_how_to_get_the_file(start_zalo, zalo: FakeZaloBot):
    bot = start_zalo(setup=with_export)
    answer = bot.say(zalo.user("Lan"), "/xuat")
    assert "Zalo không cho bot gửi tệp" in answer and "Telegram" in answer
    assert "baocao export" in answer
    assert bot.channel.web is None  # polling, no public URL: no web endpoint at all
    assert not files_folder(bot.app.settings.database_url).exists()


def test_a_failing_lookup_is_a_bare_500_and_logs_no_token(app, loop, caplog):
    def broken():
        raise RuntimeError("database down")

    route = files_route(broken, app.clock, app.files)
    server = WebServer(listen="127.0.0.1", port=0, routes=[route])
    loop.run(server.start())
    try:
        status, body, _ = get(f"{server.url}/files/SeCrEtToKeN123")
    finally:
        loop.run(server.stop())
    assert status == 500 and body == b"500 Internal Server Error\n"
    assert "database down" in caplog.text and "SeCrEtToKeN123" not in caplog.text


# --- bound to the person and the browser (issue 18, 8) -------------------------------------


def person_link(app, key: str, *, single_use: bool = False) -> tuple[str, int]:
    """A link made for a registered focal point (u1); returns the token and the person id."""
    from storage.models import Person
    from tests.people import register

    register(app, "u1")
    app.files.put(key, EXPORT.data)
    with transaction(app.make_session) as session:
        person_id = session.exec(select(Person.id)).one()
        token = create_link(
            session,
            file_path=key,
            file_name=EXPORT.file_name,
            mime_type=EXPORT.mime_type,
            valid_for=timedelta(hours=24),
            clock=app.clock,
            person_id=person_id,
            single_use=single_use,
        ).token
    return token, person_id


def test_a_link_opens_only_in_the_browser_that_opened_it_first(app, web, tmp_path):
    token, _ = person_link(app, "links/a/a.xlsx")
    url = f"{web.url}/files/{token}"
    status, body, headers = get_as(url, None)
    assert status == 200 and body == EXPORT.data
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    assert "httponly" in headers["Set-Cookie"].lower()
    assert get_as(url, None)[0] == 404  # the link forwarded to someone else
    assert get_as(url, "baocao_dl=someone-elses-browser")[0] == 404
    assert get_as(url, cookie)[:2] == (200, EXPORT.data)  # its owner, again


def test_a_link_stops_working_when_its_person_loses_their_role(app, web, tmp_path):
    from storage.models import Membership, MemberStatus

    token, person_id = person_link(app, "links/a/a.xlsx")
    url = f"{web.url}/files/{token}"
    status, _body, headers = get_as(url, None)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    assert status == 200
    with transaction(app.make_session) as session:
        session.exec(select(Membership).where(Membership.person_id == person_id)).one().status = (
            MemberStatus.revoked
        )
    assert get_as(url, cookie)[0] == 404


def test_a_single_use_link_opens_once(app, web, tmp_path):
    token, _ = person_link(app, "links/a/a.xlsx", single_use=True)
    url = f"{web.url}/files/{token}"
    status, _body, headers = get_as(url, None)
    assert status == 200
    assert get_as(url, headers["Set-Cookie"].split(";", 1)[0])[0] == 404
