"""The secretariat's web console over plain HTTP (issue 13): signing in from the chat, what each
page shows, what each change does, and every attack refused with a 403 or 404 that changes
nothing. The browser walk-through is tests/test_web_browser.py."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from sqlmodel import col, select

from bot.commands.reminders import dry_run_text
from storage.agencies import find_agency, rename_agency
from storage.db import transaction
from storage.downloads import hash_token
from storage.invites import InviteProblem, check_invite
from storage.members import end_membership
from storage.models import (
    AuditLog,
    Identity,
    Membership,
    MemberStatus,
    OutboxMessage,
    OutboxStatus,
    Submission,
    SubmissionState,
    WebSession,
)
from storage.outbox import enqueue
from tests.people import register, say
from tests.secretariat_world import SO_C, submit
from tests.web_support import (
    client,
    keep_signed_report,
    running_console,
    sign_in,
    signin_link,
    web_world,
    xsrf_of,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CODE = re.compile(r"\b[A-Z2-7]{26}\b")


@pytest.fixture
def console(make_app, tmp_path):
    with running_console(web_world(make_app, tmp_path)) as running:
        yield running


@pytest.fixture
def http():
    with client() as browser:
        yield browser


@pytest.fixture
def signed_in(console, http):
    assert sign_in(http, console, signin_link(console.app)).status_code == 303
    return http


def state_of(app, code: str) -> str:
    with app.make_session() as session:
        agency = find_agency(session, code)
        return session.exec(select(Submission.state).where(Submission.agency_id == agency.id)).one()


def audit_actions(app) -> list[tuple[str, str, dict]]:
    with app.make_session() as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        return [(r.action, r.outcome, r.detail) for r in rows]


def form_token(http, url: str) -> str:
    return xsrf_of(http.get(url).text)


# --- signing in ------------------------------------------------------------------------------


def test_web_gives_a_personal_one_time_link_that_opens_a_safe_session(console, http, caplog):
    caplog.set_level(logging.INFO)
    app = console.app
    text = say(app, "operator", "/web")
    assert "10 phút" in text and "dùng một lần" in text
    link = console.local(signin_link(app))
    token = link.rsplit("/", 1)[1]
    with app.make_session() as session:
        rows = session.exec(select(WebSession)).all()
        assert hash_token(token) in {r.link_hash for r in rows}  # only the hash is kept
        assert all(token not in (r.link_hash, r.session_hash) for r in rows)

    page = http.get(link)  # what a chat app's link preview fetches: uses nothing up
    assert page.status_code == 200 and "Đăng nhập" in page.text
    answer = http.post(link, data={"_xsrf": xsrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/web/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("baocao_web=")
    for flag in ("HttpOnly", "Path=/web", "SameSite=Lax", "Max-Age=28800"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain http here; see the https test below
    board = http.get(f"{console.url}/web/")
    assert board.status_code == 200 and "Bảng tổng hợp" in board.text and "Sở A" in board.text

    with client() as other:  # the link works once, for whoever opens it second too
        assert other.get(link).status_code == 404
        assert other.post(link, data={"_xsrf": "x"}).status_code in (403, 404)
    actions = [(a, o) for a, o, _ in audit_actions(app)]
    assert ("web:link", "ok") in actions and ("web:signin", "ok") in actions
    served = [r.getMessage() for r in caplog.records if r.name.startswith("bot.")]
    assert any("/web/signin/***" in line for line in served)
    assert not any(token in line for line in served)  # the access log hides the link's token


def test_an_expired_reused_or_forged_link_opens_nothing(console, http):
    app = console.app
    link = console.local(signin_link(app))
    page = http.get(link)
    app.clock.advance(timedelta(minutes=10))
    assert http.get(link).status_code == 404
    assert http.post(link, data={"_xsrf": xsrf_of(page.text)}).status_code == 404
    forged = link[:-4] + ("aaaa" if not link.endswith("aaaa") else "bbbb")
    assert http.get(forged).status_code == 404
    assert http.get(f"{console.url}/web/signin/{'A' * 43}").status_code == 404
    with app.make_session() as session:
        assert all(r.opened_at is None for r in session.exec(select(WebSession)).all())
    assert http.get(f"{console.url}/web/").status_code == 403


def test_the_session_cookie_is_secure_behind_https(make_app, tmp_path, http):
    app = web_world(make_app, tmp_path, public_url="https://bot.example.gov.vn/bc")
    with running_console(app) as running:
        link = signin_link(app)
        assert link.startswith("https://bot.example.gov.vn/bc/web/signin/")
        path = link.removeprefix("https://bot.example.gov.vn/bc")
        page = http.get(running.url + path)
        xsrf_cookie = page.headers["set-cookie"]
        assert "Secure" in xsrf_cookie and "Path=/bc/web" in xsrf_cookie
        # The browser behind the proxy sends it back over https; this test's http cannot.
        answer = http.post(
            running.url + path,
            data={"_xsrf": xsrf_of(page.text)},
            headers={"Cookie": xsrf_cookie.split(";", 1)[0]},
        )
        cookie = answer.headers["set-cookie"]
        assert "Secure" in cookie and "Path=/bc/web" in cookie
        assert answer.headers["location"] == "/bc/web/"


def test_a_forged_expired_or_signed_out_cookie_is_refused(console, signed_in):
    app, url = console.app, console.url
    good = signed_in.cookies["baocao_web"]
    with client() as stranger:
        stranger.cookies.set("baocao_web", good[:-3] + "abc", domain="127.0.0.1", path="/web")
        assert stranger.get(f"{url}/web/").status_code == 403
        assert "Gửi /web" in stranger.get(f"{url}/web/agency/so-a").text
    assert signed_in.get(f"{url}/web/").status_code == 200
    app.clock.advance(timedelta(hours=8))
    assert signed_in.get(f"{url}/web/").status_code == 403  # expired on the server too

    with client() as again:
        sign_in(again, console, signin_link(app))
        kept = again.cookies["baocao_web"]
        token = form_token(again, f"{url}/web/")
        assert again.post(f"{url}/web/signout", data={"_xsrf": token}).status_code == 200
        again.cookies.set("baocao_web", kept, domain="127.0.0.1", path="/web")
        assert again.get(f"{url}/web/").status_code == 403


def test_a_focal_point_asking_for_web_gets_no_link(console, http):
    app = console.app
    text = say(app, "u1", "/web")  # Sở A's focal point
    assert "/web/signin/" not in text and "chỉ dành cho thư ký" in text
    with app.make_session() as session:
        assert session.exec(select(WebSession)).all() == []
    assert ("command:web", "refused") in [(a, o) for a, o, _ in audit_actions(app)]


def test_a_link_asked_for_in_a_group_chat_is_refused(console):
    app = console.app
    from handlers.events import IncomingEvent

    replies = app.dispatcher.handle(IncomingEvent("console", "operator", "-100200", text="/web"))
    assert "riêng" in replies[0].text and "/web/signin/" not in replies[0].text


def test_a_removed_secretariat_member_loses_the_console_at_once(console, http):
    app, url = console.app, console.url
    register(app, "s1", "thuky", name="Hoàng Văn Thư")
    sign_in(http, console, signin_link(app, "s1"))
    assert "Hoàng Văn Thư" in http.get(f"{url}/web/").text
    with transaction(app.make_session) as session:
        person_id = session.exec(
            select(Identity.person_id).where(Identity.external_id == "s1")
        ).one()
        membership = session.exec(select(Membership).where(Membership.person_id == person_id)).one()
        end_membership(session, membership=membership, status=MemberStatus.revoked, clock=app.clock)
    assert http.get(f"{url}/web/").status_code == 403
    assert ("web:access", "refused") in [(a, o) for a, o, _ in audit_actions(app)]


# --- changes need the CSRF token -------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(console, signed_in):
    app, url = console.app, console.url
    form = {"period": "2026", "comment": "Thiếu số liệu"}
    assert signed_in.post(f"{url}/web/agency/so-a/return", data=form).status_code == 403
    wrong = form | {"_xsrf": "2|00000000|" + "0" * 32 + "|1"}
    assert signed_in.post(f"{url}/web/agency/so-a/return", data=wrong).status_code == 403
    rename = {"name": "Sở Mới"}
    assert signed_in.post(f"{url}/web/agencies/so-d/rename", data=rename).status_code == 403
    assert signed_in.post(f"{url}/web/invites", data={"agency": "so-d"}).status_code == 403
    assert signed_in.post(f"{url}/web/signout").status_code == 403
    assert state_of(app, "so-a") == SubmissionState.submitted
    with app.make_session() as session:
        assert find_agency(session, "so-d").name == "Sở D"
        returned = select(OutboxMessage).where(OutboxMessage.kind == "returned")
        assert session.exec(returned).all() == []
    assert signed_in.get(f"{url}/web/").status_code == 200  # still signed in


# --- attacks on addresses and text -----------------------------------------------------------


TRAVERSALS = (
    "/web/download/..%2F..%2Fetc%2Fpasswd",
    "/web/download/../../bot/settings.py",
    "/web/download/2026.xlsx/../../../etc/passwd",
    "/web/download/%2e%2e%2fbaocao.db.xlsx",
    "/web/download/2099.xlsx",
    "/web/download/all.docx",
    "/web/static/../base.py",
    "/web/static/%2e%2e/base.py",
    "/web/static/..%2f..%2fsettings.py",
    "/web/agency/..%2Fso-a",
    "/web/task/1%2F..%2F2",
)


def test_path_traversal_gets_403_or_404(console, signed_in):
    for path in TRAVERSALS:
        answer = signed_in.get(console.url + path)
        assert answer.status_code in (403, 404), (path, answer.status_code)
        assert b"import" not in answer.content and b"root:" not in answer.content
    assert signed_in.get(f"{console.url}/web/static/htmx.min.js").status_code == 200


def test_html_in_agency_names_and_answers_is_escaped(console, signed_in):
    app, url = console.app, console.url
    evil = '<script>alert("x")</script>'
    with transaction(app.make_session) as session:
        # Named so since before the period's deadline: the board shows the name on that day.
        since = app.clock.now() - timedelta(days=60)
        agency = find_agency(session, "so-d")
        rename_agency(session, agency=agency, new_name=evil, clock=app.clock, at=since)
    submit(app, "u4", "so-d", {"coordinating:4": {"results": '<img src=x onerror="alert(1)">'}})
    for path in ("/web/", "/web/agency/so-d", "/web/task/4", "/web/agencies", "/web/invites"):
        page = signed_in.get(url + path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in signed_in.get(f"{url}/web/").text
    assert "&lt;img src=x onerror=" in signed_in.get(f"{url}/web/task/4").text
    headers = signed_in.get(f"{url}/web/").headers
    assert "script-src 'self'" in headers["content-security-policy"]


# --- the board -------------------------------------------------------------------------------


def test_the_board_shows_every_agency_coloured_like_the_chart_with_totals(console, signed_in):
    page = signed_in.get(f"{console.url}/web/").text
    rows = dict(re.findall(r'<tr data-agency="([a-z\-]+)">(.*?)</tr>', page))
    assert set(rows) == {"so-khcn", "so-a", "so-b", "so-c", "so-d"}
    assert 'class="st ot"' in rows["so-a"] and 'class="st lt"' in rows["so-b"]
    assert 'class="st rt"' in rows["so-c"] and 'class="st od"' in rows["so-d"]
    assert re.findall(r"<td(?: class=(\w+))?></td>", rows["so-a"]) == ["ip", "cp", "rp", ""]
    assert '<b data-count="od">2</b>' in page and "<b>2</b> Đã nộp" in page
    css = signed_in.get(f"{console.url}/web/palette.css").text
    assert ".ip{background:#f0e442}" in css and ".ot{background:#0072b2}" in css  # the chart's


def test_the_board_filters_by_standing_and_role(console, signed_in):
    late = signed_in.get(f"{console.url}/web/?show=late").text
    assert re.findall(r'<tr data-agency="([a-z\-]+)">', late) == ["so-b"]
    missing = signed_in.get(f"{console.url}/web/?show=overdue").text
    assert re.findall(r'<tr data-agency="([a-z\-]+)">', missing) == ["so-khcn", "so-d"]
    lead = signed_in.get(f"{console.url}/web/?role=lead").text
    assert re.findall(r'<tr data-agency="([a-z\-]+)">', lead) == ["so-a", "so-b"]


def test_the_board_changes_only_when_a_report_arrives(console, signed_in):
    url = console.url
    page = signed_in.get(f"{url}/web/").text
    stamp = re.search(r"since=([A-Za-z0-9\-]+)", page).group(1)
    asked = f"{url}/web/board/changes?period=2026&show=all&role=all&since={stamp}"
    quiet = signed_in.get(asked)
    assert quiet.status_code == 204 and quiet.content == b""
    submit(console.app, "u4", "so-d", {"coordinating:4": {"results": "Đã phối hợp khảo sát"}})
    fresh = signed_in.get(asked)
    assert fresh.status_code == 200 and fresh.text.startswith('<section id="board"')
    assert re.search(r'<tr data-agency="so-d"><th>.*?class="st lt"', fresh.text)
    assert f"since={stamp}" not in fresh.text


# --- an agency, returning a report, versions ---------------------------------------------------


def test_an_agency_page_shows_focal_points_their_reach_and_the_report(console, signed_in):
    from tests.secretariat_world import set_reachable

    set_reachable(console.app, "u2", False)
    page = signed_in.get(f"{console.url}/web/agency/so-b").text
    assert "Trần Văn Bình" in page and "bot không liên lạc được" in page
    assert "Đã chuyển giao 3 quy trình nhân giống" in page and "Chưa được bố trí kinh phí" in page
    assert "2026-SO-B" in page and "nộp trễ hạn" in page
    assert 'action="/web/agency/so-b/return"' in page
    assert signed_in.get(f"{console.url}/web/agency/so-zz").status_code == 404


def test_returning_from_the_web_tells_the_focal_point_through_the_outbox(console, signed_in):
    app, url = console.app, console.url
    token = form_token(signed_in, f"{url}/web/agency/so-a")
    empty = signed_in.post(
        f"{url}/web/agency/so-a/return", data={"_xsrf": token, "period": "2026", "comment": " "}
    )
    assert empty.status_code == 400 and state_of(app, "so-a") == SubmissionState.submitted
    done = signed_in.post(
        f"{url}/web/agency/so-a/return",
        data={"_xsrf": token, "period": "2026", "comment": "Bổ sung số liệu nhiệm vụ 2"},
    )
    assert done.status_code == 200 and "đã báo cho 1 đầu mối" in done.text
    assert state_of(app, "so-a") == SubmissionState.returned
    with app.make_session() as session:
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "returned")).one()
    assert notice.chat_id == "u1" and "Bổ sung số liệu nhiệm vụ 2" in notice.text
    returned = [d for a, o, d in audit_actions(app) if a == "report:return" and o == "ok"]
    assert returned and returned[-1]["via"] == "web"
    again = signed_in.post(
        f"{url}/web/agency/so-a/return",
        data={"_xsrf": token, "period": "2026", "comment": "Lần nữa"},
    )
    assert again.status_code == 400  # no longer submitted: nothing is sent twice


def test_two_versions_are_compared_line_by_line(console, signed_in):
    app = console.app
    changed = {**SO_C, "coordinating:1": {"results": "Đã khảo sát xong 5 huyện"}}
    submit(app, "u3", "so-c", changed)
    page = signed_in.get(f"{console.url}/web/agency/so-c?period=2026&a=1&b=2").text
    diff = page[page.index('id="diff"') : page.index('id="report"')]
    assert "Đang khảo sát nhu cầu" in diff and "Đã khảo sát xong 5 huyện" in diff
    assert "Thiếu nhân lực" not in diff  # unchanged lines are not listed
    same = signed_in.get(f"{console.url}/web/agency/so-c?period=2026&version=1").text
    assert "Đang khảo sát nhu cầu" in same and "Cần bổ sung số liệu nhiệm vụ 1" in same


def test_a_task_page_sets_every_agency_answers_side_by_side(console, signed_in):
    page = signed_in.get(f"{console.url}/web/task/1").text
    assert re.findall(r'<tr data-agency="([a-z\-]+)">', page) == ["so-a", "so-c"]
    assert "Đã tổ chức 2 hội thảo" in page and "70%" in page and "Đang khảo sát nhu cầu" in page
    assert signed_in.get(f"{console.url}/web/task/99").status_code == 404


# --- downloads, reminders, invites, agencies -------------------------------------------------


def test_downloads_are_the_chat_exports(console, signed_in):
    url = console.url
    assert "/web/download/2026.xlsx" in signed_in.get(f"{url}/web/downloads").text
    table = signed_in.get(f"{url}/web/download/2026.xlsx")
    assert table.status_code == 200 and table.headers["content-type"] == XLSX
    assert "bang-tong-hop-2026" in table.headers["content-disposition"]
    sheet = openpyxl.load_workbook(BytesIO(table.content)).worksheets[0]
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert "Sở A" in cells and any("Đã tổ chức 2 hội thảo" in c for c in cells)
    csv = signed_in.get(f"{url}/web/download/2026.csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and "Sở B".encode() in csv.content
    docx = signed_in.get(f"{url}/web/download/2026.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    exports = [d for a, o, d in audit_actions(console.app) if a in ("export", "report:draft")]
    assert len(exports) == 3 and all(d["via"] == "web" for d in exports)


def test_reminders_show_the_dry_run_and_the_outbox_can_release_and_dismiss(console, signed_in):
    app, url = console.app, console.url
    with transaction(app.make_session) as session:
        held = enqueue(
            session,
            dedupe_key="t:held",
            channel="console",
            chat_id="u2",
            kind="reminder",
            text="Nhắc nộp báo cáo",
            clock=app.clock,
        )
        failed = enqueue(
            session,
            dedupe_key="t:failed",
            channel="console",
            chat_id="u4",
            kind="reminder",
            text="Nhắc nộp báo cáo",
            clock=app.clock,
        )
        held.status, failed.status = OutboxStatus.held, OutboxStatus.failed
        ids = held.id, failed.id
    page = signed_in.get(f"{url}/web/reminders").text
    with app.make_session() as session:
        preview = app.reminders.preview(session, now=app.clock.now())
    expected = dry_run_text(preview, app.reminders.policy, app.clock.now())
    reasons = re.findall(r"\]: (.+)$", expected, re.MULTILINE)
    assert reasons and all(reason in page.replace("&#39;", "'") for reason in reasons)
    assert f'data-message="{ids[0]}"' in page and "giữ lại" in page
    token = xsrf_of(page)

    def act(message_id: int, action: str) -> int:
        answer = signed_in.post(f"{url}/web/outbox/{message_id}/{action}", data={"_xsrf": token})
        return answer.status_code

    assert act(ids[0], "release") == 200 and act(ids[1], "dismiss") == 200
    assert act(ids[1], "release") == 400  # a dismissed message is not sent again
    with app.make_session() as session:
        statuses = [session.get(OutboxMessage, i).status for i in ids]
    assert statuses == [OutboxStatus.pending, "cancelled"]
    actions = [(a, o) for a, o, _ in audit_actions(app)]
    assert ("outbox:release", "ok") in actions and ("outbox:dismiss", "ok") in actions


def test_invites_are_made_listed_and_revoked(console, signed_in):
    app, url = console.app, console.url
    token = form_token(signed_in, f"{url}/web/invites")
    made = signed_in.post(f"{url}/web/invites", data={"_xsrf": token, "agency": "so-d"})
    code = CODE.search(made.text).group(0)
    listing = signed_in.get(f"{url}/web/invites").text
    invite_id = re.findall(r'data-invite="(\d+)"', listing)[0]
    assert "còn hiệu lực" in listing and "Sở D" in listing
    revoked = signed_in.post(f"{url}/web/invites/{invite_id}/revoke", data={"_xsrf": token})
    assert revoked.status_code == 200
    with app.make_session() as session:
        assert check_invite(session, code=code, clock=app.clock) == InviteProblem.revoked
    row = re.search(
        rf'<tr data-invite="{invite_id}">.*?</tr>', signed_in.get(f"{url}/web/invites").text, re.S
    )
    assert "đã thu hồi" in row.group(0) and "hết hạn" not in row.group(0)
    assert "đã được thư ký thu hồi" in say(app, "newcomer", f"/start {code}")
    unknown = signed_in.post(f"{url}/web/invites", data={"_xsrf": token, "agency": "nhom-khong-co"})
    assert unknown.status_code == 400
    actions = [(a, o) for a, o, _ in audit_actions(app)]
    assert ("invite:create", "ok") in actions and ("invite:revoke", "ok") in actions


def test_agencies_are_renamed_and_merged_after_a_preview(console, signed_in):
    app, url = console.app, console.url
    token = form_token(signed_in, f"{url}/web/agencies")
    renamed = signed_in.post(
        f"{url}/web/agencies/so-d/rename", data={"_xsrf": token, "name": "Sở D mới"}
    )
    assert renamed.status_code == 200 and "Sở D mới" in renamed.text
    taken = signed_in.post(f"{url}/web/agencies/so-c/rename", data={"_xsrf": token, "name": "Sở A"})
    assert taken.status_code == 400
    preview = signed_in.get(f"{url}/web/agencies/merge?source=so-d&target=so-b").text
    assert "1 đầu mối" in preview and "Xác nhận sáp nhập" in preview
    with app.make_session() as session:
        assert find_agency(session, "so-d", follow_merges=False).merged_into_id is None
    merged = signed_in.post(
        f"{url}/web/agencies/merge", data={"_xsrf": token, "source": "so-d", "target": "so-b"}
    )
    assert merged.status_code == 200
    with app.make_session() as session:
        assert find_agency(session, "so-d", follow_merges=False).merged_into_id is not None
        assert find_agency(session, "Sở C").name == "Sở C"
    actions = [(a, o) for a, o, _ in audit_actions(app)]
    assert ("agency:rename", "ok") in actions and ("agency:merge", "ok") in actions


def test_the_console_speaks_english_when_asked(make_app, tmp_path, http):
    app = web_world(make_app, tmp_path, language="en")
    with running_console(app) as running:
        sign_in(http, running, signin_link(app))
        page = http.get(f"{running.url}/web/").text
    assert "Board: " in page and "Sent late" in page and "Bảng tổng hợp" not in page


def test_without_a_public_address_there_is_no_console(app):
    from bot.webconsole import console_routes

    assert console_routes(app) == []
    assert "BAOCAO_PUBLIC_URL" in say(app, "operator", "/web")


# --- documents (issue 12) --------------------------------------------------------------------


def test_the_signed_report_is_shown_inline_and_bundled(console, signed_in):
    import zipfile

    from tests.documents import pdf

    app, url = console.app, console.url
    data = pdf("so b da ky")
    document_id = keep_signed_report(
        app, "so-b", data, number="45/BC-SB", signed_on="2026-11-25", signer="Trần Văn Bình"
    )
    page = signed_in.get(f"{url}/web/agency/so-b").text
    assert "Văn bản báo cáo đã ký số 45/BC-SB, ngày 25/11/2026, người ký Trần Văn Bình" in page
    assert f'<iframe class="document-view" src="/web/document/{document_id}"' in page
    shown = signed_in.get(f"{url}/web/document/{document_id}")
    assert shown.status_code == 200 and shown.content == data  # the very bytes
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline;")
    saved = signed_in.get(f"{url}/web/document/{document_id}?download=1")
    assert saved.headers["content-disposition"].startswith("attachment;")
    with client() as stranger:  # not signed in
        assert stranger.get(f"{url}/web/document/{document_id}").status_code == 403
    assert signed_in.get(f"{url}/web/document/99999").status_code == 404

    assert 'href="/web/download/2026.zip"' in signed_in.get(f"{url}/web/downloads").text
    bundle = signed_in.get(f"{url}/web/download/2026.zip")
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(BytesIO(bundle.content)) as archive:
        assert archive.read("van-ban-da-ky/so-b_45-BC-SB.pdf") == data
        assert "tong-hop-2026.xlsx" in archive.namelist()
    assert signed_in.get(f"{url}/web/download/2031.zip").status_code == 404
