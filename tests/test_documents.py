"""Documents kept by the bot (issue 12): files are fetched and stored when they arrive, checked
by their content, and "đã lưu" is said only once the bytes are in the file store; the signed
report comes once, at the end; the secretariat gets the very bytes back."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tarfile
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from sqlmodel import select

from bot.app import App
from bot.cli import main
from bot.console import ConsoleChannel
from bot.intake import FileIntake, IntakeOptions
from bot.settings import load_settings
from handlers.events import IncomingEvent
from handlers.signed_caption import parse_facts
from storage.db import transaction
from storage.downloads import create_link, open_link
from storage.files.content import clean_name, detect_kind, name_is_unsafe
from storage.files.documents import may_read, version_documents
from storage.files.store import LocalFileStore, blob_key
from storage.models import (
    Agency,
    Document,
    DownloadLink,
    Membership,
    MemberStatus,
    Person,
    ReportDraft,
    StoredFile,
    SubmissionVersion,
)
from storage.models import (
    FileIntake as FileIntakeRow,
)
from tests.document_support import Sender, small_app, to_files_question, to_review
from tests.documents import exe, jpeg, office, ole, page_images, pdf, png
from tests.people import register, say

MB = 1024 * 1024


# --- what a file is, by its bytes ---------------------------------------------------------------


def test_a_file_is_known_by_its_content_not_its_name():
    kinds = {
        "pdf": pdf(),
        "jpg": jpeg(),
        "png": png(),
        "docx": office("docx"),
        "xlsx": office("xlsx"),
        "doc": ole("WordDocument"),
        "xls": ole("Workbook"),
    }
    for name, data in kinds.items():
        found = detect_kind(data)
        assert found is not None and found.name == name, name
    # A program, an installer (OLE but not Word or Excel), macros, a bare zip, text: refused.
    for data in (exe(), ole("SummaryInformation"), office("docx", macros=True), b"PK\x03\x04x",
                 b"hello"):  # fmt: skip
        assert detect_kind(data) is None
    assert clean_name("Báo cáo: năm 2026?.docx", detect_kind(pdf())) == "Báo cáo_ năm 2026_.pdf"
    assert clean_name("...", detect_kind(jpeg())) == "tep.jpg"
    assert name_is_unsafe("../../etc/passwd.pdf") and name_is_unsafe("a\\b.pdf")
    assert name_is_unsafe("bao\x07cao.pdf") and not name_is_unsafe("Báo cáo 2026.pdf")


def test_the_folder_store_keeps_keys_inside_it(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    key = blob_key("ab" * 32)
    store.put(key, b"bytes")
    assert store.get(key) == b"bytes" and store.exists(key)
    assert list(store.keys()) == [key] and (tmp_path / "files" / key).is_file()
    for bad in ("../x", "/etc/passwd", "a//b", ".hidden", "a/../../b"):
        with pytest.raises(ValueError):
            store.put(bad, b"x")
    store.delete(key)
    assert list(store.keys()) == [] and (tmp_path / "files").is_dir()


def test_the_signed_reports_facts_are_read_from_one_line():
    day = date(2026, 11, 2)
    assert parse_facts("", today=day).missing == ["number", "date", "signer"]
    for line in (
        "Số 123/BC-SYT, ngày 25/10/2026, người ký Nguyễn Văn An",
        "123/BC-SYT; 25/10/2026; Nguyễn Văn An",
        "số: 123/BC-SYT ngày 25 tháng 10 năm 2026, ký bởi Nguyễn Văn An",
    ):
        facts = parse_facts(line, today=day)
        assert (facts.number, facts.signed_on, facts.signer) == (
            "123/BC-SYT",
            day.replace(day=25, month=10),
            "Nguyễn Văn An",
        ), line
    assert parse_facts("ngày 31/02/2026", today=day).bad_date == "31/02/2026"
    assert parse_facts("ngày 30/11/2026", today=day).signed_on is None  # after today


# --- kept on arrival ------------------------------------------------------------------------


def stored_files(app) -> list[str]:
    return list(app.files.keys("sha256/"))


@pytest.mark.both_databases
def test_bad_files_get_a_clear_message_and_nothing_is_stored(make_app, tmp_path):
    app = small_app(make_app, tmp_path, max_upload_mb=1)
    to_files_question(app)
    lan = Sender(app, "u1")
    cases = {
        "quá lớn (1.5 MB, tối đa 1 MB)": (pdf() + b"0" * int(1.5 * MB), "lon.pdf", None),
        "quá lớn (3.0 MB": (pdf(), "khai-bao.pdf", 3 * MB),  # declared: not even fetched
        "không phải PDF, Word, Excel": (exe(), "bao-cao.pdf", None),  # a renamed program
        "trống (0 byte)": (b"", "rong.pdf", None),
        "ký tự không dùng được": (pdf(), "../../bao-cao.pdf", None),
    }
    for message, (data, name, size) in cases.items():
        answer = lan.send(data, name, size=size)
        assert message in answer and "không lưu" in answer, answer
        assert "Đã lưu" not in answer.split("\n")[0]
    control = lan.send(pdf(), "bao\x07cao.pdf")
    assert "ký tự không dùng được" in control and "«baocao.pdf»" in control
    assert lan.fetches == 2  # only the bytes that had to be looked at were fetched
    assert stored_files(app) == []
    with app.make_session() as session:
        assert session.exec(select(Document)).all() == []
        assert session.exec(select(StoredFile)).all() == []
        assert session.exec(select(FileIntakeRow)).all() == []  # every arrival answered
        draft = session.exec(select(ReportDraft)).one()
        assert not draft.answers.get("agency", {}).get("documents")


def test_the_same_file_sent_twice_is_stored_once(make_app, tmp_path):
    app = small_app(make_app, tmp_path)
    to_files_question(app)
    lan = Sender(app, "u1")
    assert "Đã lưu tệp phu-luc.pdf (1 tệp)" in lan.send(pdf("annex"), "phu-luc.pdf")
    assert "đã có trong báo cáo" in lan.send(pdf("annex"), "ban-sao.pdf")
    assert "Đã lưu tệp anh.jpg (2 tệp)" in lan.send(jpeg(), "anh.jpeg")
    assert len(stored_files(app)) == 2
    with app.make_session() as session:
        assert len(session.exec(select(StoredFile)).all()) == 2


def test_a_failed_download_is_retried_then_the_sender_is_asked_again(make_app, tmp_path):
    app = small_app(make_app, tmp_path)
    to_files_question(app)
    flaky = Sender(app, "u1", failures=2)
    assert "Đã lưu tệp phu-luc.pdf" in flaky.send(pdf(), "phu-luc.pdf")
    assert flaky.fetches == 3 and flaky.waits == [1.0, 2.0]  # backing off between tries

    down = Sender(app, "u1", failures=99)
    answer = down.send(pdf("other"), "so-lieu.pdf")
    assert "CHƯA được lưu" in answer and "gửi lại" in answer and down.fetches == 3
    assert len(stored_files(app)) == 1


def test_a_file_left_by_a_crash_is_kept_or_asked_for_again_at_the_next_start(
    make_app, tmp_path, clock
):
    app = small_app(make_app, tmp_path)
    to_files_question(app)
    lan = Sender(app, "u1")
    # Two files arrived and were journalled; the process died before fetching them.
    kept, lost = lan.event(pdf("kept"), "a.pdf"), lan.event(pdf("lost"), "b.pdf")
    for event in (kept, lost):
        lan.intake()._begin(event)
    del lan.hosted[lost.attachment.file_ref]  # that one is gone from the server meanwhile
    clock.advance(timedelta(minutes=5))  # the next start
    said: list[tuple[str, str]] = []

    async def deliver(chat_id: str, reply) -> None:
        said.append((chat_id, reply.text))

    restarted = FileIntake(
        app,
        channel="console",
        fetch=lan.fetch,
        max_bytes=MB,
        options=IntakeOptions(sleep=lan._sleep),
    )
    assert asyncio.run(restarted.recover(deliver)) == 2
    texts = [text for chat, text in said if chat == "u1"]
    assert any("Đã lưu tệp a.pdf (1 tệp)" in t for t in texts)
    assert any("b.pdf" in t and "CHƯA được lưu" in t and "gửi lại" in t for t in texts)
    assert asyncio.run(restarted.recover(deliver)) == 0  # handed over once
    with app.make_session() as session:
        assert session.exec(select(FileIntakeRow)).all() == []
        draft = session.exec(select(ReportDraft)).one()
        assert [f["file_name"] for f in draft.answers["agency"]["documents"]] == ["a.pdf"]


# --- the signed report ----------------------------------------------------------------------

SIGNED = "Số 12/BC-SA, ngày 30/10/2026, người ký Nguyễn Văn Bình"


def test_a_required_signed_report_is_asked_for_and_its_facts_completed(make_app, tmp_path):
    app = small_app(make_app, tmp_path, signed="required")
    review = to_review(app)
    assert "Để nộp, gửi văn bản đã ký" in review and "Nộp báo cáo" not in review
    lan = Sender(app, "u1")
    assert "cần là tệp PDF hoặc ảnh" in lan.send(office("docx"), "bao-cao.docx")
    # A PDF without a caption is kept; its facts are asked for, then the report goes in.
    asked = lan.send(pdf("signed"), "bc.pdf", "Số 12/BC-SA")
    assert "Đã lưu văn bản đã ký bc.pdf" in asked and "ngày ký, người ký" in asked
    assert "Nộp báo cáo" not in asked
    assert "không đúng" in say(app, "u1", "ngày 31/02/2026")
    receipt = say(app, "u1", "30/10/2026, Nguyễn Văn Bình")
    assert "ĐÃ NỘP BÁO CÁO 2026-SO-A" in receipt
    assert "Văn bản 12/BC-SA, 30/10/2026, Nguyễn Văn Bình ký." in receipt  # names the letter

    # Edited later, the report keeps its letter until another is sent.
    say(app, "u1", "/report")
    again = say(app, "u1", "1")  # «Sửa báo cáo»: the review
    assert "Văn bản đã ký: Số 12/BC-SA" in again and "Nộp báo cáo" in again
    assert "phiên bản 2" in say(app, "u1", "1")
    with app.make_session() as session:
        versions = session.exec(select(SubmissionVersion).order_by(SubmissionVersion.version))
        held = [version_documents(session, version_id=v.id) for v in versions]
    assert [[(f.purpose, f.number, f.signer) for f in files] for files in held] == [
        [("signed", "12/BC-SA", "Nguyễn Văn Bình")]
    ] * 2


def test_photos_of_the_pages_become_one_pdf_in_the_order_sent(make_app, tmp_path):
    app = small_app(make_app, tmp_path)
    to_review(app)
    lan = Sender(app, "u1")
    pages = [jpeg("white", (60, 84)), png("grey", (84, 60)), jpeg("black", (60, 84))]
    assert "Đã lưu trang 1" in lan.send(pages[0], "trang1.jpg", SIGNED)
    assert "Đã lưu trang 2" in lan.send(pages[1], "trang2.png")
    assert "Đã lưu trang 3" in lan.send(pages[2], "trang3.jpg")
    receipt = say(app, "u1", "1")
    assert "ĐÃ NỘP" in receipt and "Văn bản 12/BC-SA" in receipt
    with app.make_session() as session:
        version_id = session.exec(select(SubmissionVersion.id)).one()
        (letter,) = version_documents(session, version_id=version_id)
    made = page_images(app.files.get(letter.key))
    assert len(made) == 3 and made[0] == pages[0] and made[2] == pages[2]  # JPEGs as sent


# --- the secretariat gets them; a focal point never gets another agency's ----------------------


def submitted_with_letter(make_app, tmp_path):
    app = small_app(make_app, tmp_path)
    to_files_question(app)
    lan = Sender(app, "u1")
    lan.send(pdf("annex"), "phu-luc.pdf")
    say(app, "u1", "1")
    assert "ĐÃ NỘP" in lan.send(pdf("signed letter"), "bc.pdf", SIGNED)
    return app


def test_view_sends_the_very_bytes_to_the_secretariat_only(make_app, tmp_path):
    app = submitted_with_letter(make_app, tmp_path)
    replies = app.dispatcher.handle(
        IncomingEvent("console", "operator", "operator", text="/view so-a")
    )
    files = [(r.file.file_name, r.file.data) for r in replies if r.file is not None]
    assert files == [("so-a_12-BC-SA.pdf", pdf("signed letter")), ("phu-luc.pdf", pdf("annex"))]
    assert "Số 12/BC-SA, ngày 30/10/2026" in replies[-2].text
    refused = app.dispatcher.handle(IncomingEvent("console", "u1", "u1", text="/view so-a"))
    assert [r.file for r in refused] == [None] and "chỉ dành cho thư ký" in refused[0].text


def test_a_focal_point_never_gets_another_agencys_file(make_app, tmp_path, clock):
    app = submitted_with_letter(make_app, tmp_path)
    register(app, "u2", "so-b", name="Trần Văn Hùng")
    with transaction(app.make_session) as session:
        so_a = session.exec(select(Agency.id).where(Agency.code == "so-a")).one()
        lan = session.exec(select(Person.id).where(Person.full_name == "Nguyễn Thị Lan")).one()
        hung = session.exec(select(Person.id).where(Person.full_name == "Trần Văn Hùng")).one()
        assert may_read(session, person_id=lan, agency_id=so_a)
        assert not may_read(session, person_id=hung, agency_id=so_a)
        key = session.exec(select(StoredFile.sha256)).first()
        tokens = {
            person: create_link(
                session,
                file_path=blob_key(key),
                file_name="bc.pdf",
                mime_type="application/pdf",
                valid_for=timedelta(hours=1),
                clock=clock,
                person_id=person,
                agency_id=so_a,
            ).token
            for person in (lan, hung)
        }
    with transaction(app.make_session) as session:
        assert open_link(session, token=tokens[lan], cookie=None, clock=clock) is not None
        assert open_link(session, token=tokens[hung], cookie=None, clock=clock) is None
        # Lan moves to Sở B: her link to Sở A's letter stops opening.
        membership = session.exec(select(Membership).where(Membership.person_id == lan)).one()
        membership.status = MemberStatus.left
        so_b = session.exec(select(Agency.id).where(Agency.code == "so-b")).one()
        session.add(Membership(person_id=lan, agency_id=so_b, role="focal", created_at=clock.now()))
    with transaction(app.make_session) as session:
        assert open_link(session, token=tokens[lan], cookie="x", clock=clock) is None


# --- the bundle and the table -----------------------------------------------------------------


def test_the_bundle_holds_the_table_the_draft_and_every_file_with_its_index(
    make_app, tmp_path, monkeypatch, capsys
):
    app = submitted_with_letter(make_app, tmp_path)
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("BAOCAO_PLAN_FILE", str(app.settings.plan_file))
    target = tmp_path / "goi" / "ho-so-2026.zip"
    assert main(["export", "--period", "2026", "--bundle", str(target)]) == 0
    assert "2 tệp" in capsys.readouterr().out
    with zipfile.ZipFile(target) as bundle:
        assert sorted(bundle.namelist()) == [
            "danh-muc.xlsx",
            "du-thao-bao-cao-2026.docx",
            "tep-kem-theo/so-a/phu-luc.pdf",
            "tong-hop-2026.xlsx",
            "van-ban-da-ky/so-a_12-BC-SA.pdf",
        ]
        assert bundle.read("van-ban-da-ky/so-a_12-BC-SA.pdf") == pdf("signed letter")
        assert bundle.read("tep-kem-theo/so-a/phu-luc.pdf") == pdf("annex")
        index = openpyxl.load_workbook(io.BytesIO(bundle.read("danh-muc.xlsx"))).active
        table = openpyxl.load_workbook(io.BytesIO(bundle.read("tong-hop-2026.xlsx")))
        assert bundle.read("du-thao-bao-cao-2026.docx")[:2] == b"PK"
    rows = [r for r in index.iter_rows(min_row=4, values_only=True)]
    assert [r[:8] for r in rows] == [
        ("so-a", "Sở A", "Văn bản đã ký", "12/BC-SA", "30/10/2026", "Nguyễn Văn Bình",
         "van-ban-da-ky/so-a_12-BC-SA.pdf", "bc.pdf"),
        ("so-a", "Sở A", "Tệp kèm theo", None, None, None, "tep-kem-theo/so-a/phu-luc.pdf",
         "phu-luc.pdf"),
    ]  # fmt: skip
    assert rows[0][9] == hashlib.sha256(pdf("signed letter")).hexdigest()
    sheet = table["Tình trạng nộp"]
    header = [c.value for c in sheet[4]]
    documents = {row[1]: row[header.index("Văn bản, tệp kèm theo")] for row in sheet.iter_rows(
        min_row=5, values_only=True)}  # fmt: skip
    assert documents["Sở A"] == (
        "Văn bản đã ký số 12/BC-SA, ngày 30/10/2026, người ký Nguyễn Văn Bình: "
        "so-a_12-BC-SA.pdf\nTệp kèm theo: phu-luc.pdf"
    )
    assert documents["Sở B"] is None


# --- backups hold the files ---------------------------------------------------------------------


def test_a_restored_backup_serves_the_documents(make_app, tmp_path, monkeypatch, clock):
    app = submitted_with_letter(make_app, tmp_path)
    monkeypatch.setenv("BAOCAO_DATABASE_URL", app.settings.database_url)
    archive = tmp_path / "sao-luu.tar.gz"
    assert main(["backup", "-o", str(archive)]) == 0
    with tarfile.open(archive) as packed:
        kept = [n for n in packed.getnames() if n.startswith("files/sha256/")]
    assert len(kept) == 2  # the letter and the annex

    # Another machine: an empty database in another folder, restored from the archive.
    target = f"sqlite:///{tmp_path}/moi/baocao.db"
    (tmp_path / "moi").mkdir()
    monkeypatch.setenv("BAOCAO_DATABASE_URL", target)
    assert main(["restore", str(archive)]) == 0
    restored = App.build(load_settings(database_url=target), clock=clock)
    try:
        replies = restored.dispatcher.handle(
            IncomingEvent("console", "operator", "operator", text="/view so-a")
        )
    finally:
        restored.close()
    files = {r.file.file_name: r.file.data for r in replies if r.file is not None}
    assert files == {"so-a_12-BC-SA.pdf": pdf("signed letter"), "phu-luc.pdf": pdf("annex")}


def test_the_console_sends_a_file_by_path_and_gets_kept_ones_as_personal_links(
    make_app, tmp_path
):
    app = small_app(make_app, tmp_path, public_url="https://bot.example.vn")
    to_review(app)
    letter = tmp_path / "bao cao da ky.pdf"
    letter.write_bytes(pdf("from the console"))
    lan = ConsoleChannel.for_app(app, user_id="u1")
    assert "Không tìm thấy tệp" in lan.send("/file /khong/co/tep.pdf")[0]
    (receipt,) = lan.send(f'/file "{letter}" {SIGNED}')
    assert "ĐÃ NỘP" in receipt and "Văn bản 12/BC-SA" in receipt

    operator = ConsoleChannel.for_app(app, user_id="operator")
    shown = "\n".join(operator.send("/view so-a"))
    assert "Tải tệp “so-a_12-BC-SA.pdf” tại: https://bot.example.vn/files/" in shown
    assert "hết hạn lúc" in shown
    with app.make_session() as session:
        (link,) = session.exec(select(DownloadLink)).all()
        so_a = session.exec(select(Agency.id).where(Agency.code == "so-a")).one()
    # The link names the kept document itself (no copy), for Sở A's readers only.
    assert link.file_path.startswith("sha256/") and link.agency_id == so_a
    assert app.files.get(link.file_path) == pdf("from the console")
    assert list(app.files.keys("links/")) == []
