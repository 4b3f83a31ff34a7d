"""How much a focal point types and reads to file one yearly report (issues 11 and 12).

Drives the console chat on the bundled Plan 452 as a focal point of Sở Y tế, of UBND huyện
Cư Jút and of Sở Khoa học và Công nghệ (lead on most tasks), answering every question the way a
real person would (progress on each task with its results in the same message, as the first
such question's tip shows, one task they also contributed to, funding, outputs, difficulties,
proposals, next year's direction), then submits by sending the signed
report (a PDF, `/file`, with "Số …, ngày …, người ký …" as its caption), which the bot keeps.
Then, a year later, the Sở Y tế focal point files again starting from last year's answers,
unchanged, with that year's signed report.

    .venv/bin/python bench/report_burden.py

Counts the messages the person sends (from /report to the receipt) and the characters of the
bot's replies they read. Deterministic: one run is the median. The last line is JSON.
Goals: <= 20 messages for Sở Y tế and Cư Jút, <= 35 for Sở KH&CN, <= 8 when last year's
answers are kept, <= 4,000 characters read for Sở Y tế.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import App
from bot.console import ConsoleChannel
from bot.settings import load_settings
from storage.bootstrap import open_current_periods
from storage.clock import FrozenClock
from storage.db import transaction
from storage.models import ConversationState, ReportingPeriod
from storage.requests import close_period

VN = ZoneInfo("Asia/Ho_Chi_Minh")
GOALS = {"so-yte": 20, "ubnd-cu-jut": 20, "so-khcn": 35, "so-yte (last year kept)": 8}

# What a person types, by question id (the first matching rule answers).
ANSWERS = {
    "status": "2",  # Đang triển khai
    "results": "Tổ chức 2 lớp tập huấn cho 120 người; triển khai 1 mô hình ứng dụng.",
    "funding_sources": "1",
    "funding_state": "350 triệu",
    "outputs": "1",
    "trainings": "2",
    "difficulties": "Kinh phí hạn chế, thiếu nhân lực chuyên sâu.",
    "proposals": "Đề nghị bố trí kinh phí sự nghiệp KH&CN năm sau.",
    "next_year": "Tiếp tục tuyên truyền và nhân rộng mô hình.",
}


class Person:
    def __init__(self, app: App, user: str, letter: Path) -> None:
        self.app, self.user, self.letter = app, user, letter
        self.console = ConsoleChannel.for_app(app, user_id=user)
        self.sent = 0
        self.read = 0

    def say(self, text: str) -> str:
        self.sent += 1
        shown = "\n".join(self.console.send(text))
        self.read += len(shown)
        if os.environ.get("BURDEN_TRACE"):
            print(f">>> {text}\n{shown}\n")
        return shown

    def state(self) -> ConversationState | None:
        with self.app.make_session() as session:
            return session.exec(
                select(ConversationState).where(ConversationState.chat_id == self.user)
            ).first()

    def file_report(self, *, first: str | None = None) -> str:
        reply = self.say("/report")
        if first is not None:
            reply = self.say(first)
        for _ in range(80):
            state = self.state()
            if state is None:
                return reply
            if state.step == "review":
                # The signed report, its facts as the caption: kept, and the report goes in.
                year = self.app.clock.now().year
                facts = f"Số 123/BC-SYT, ngày 25/10/{year}, người ký Nguyễn Văn An"
                reply = self.say(f"/file {self.letter} {facts}")
                continue
            question = str(state.data.get("q"))
            if question == "tasks":
                # They contributed to one more task: the first offered.
                options = [line for line in reply.splitlines() if line[:1].isdigit()]
                reply = self.say(options[0].split(".")[0] if options else "0")
                continue
            if question == "status":
                # As the first status question's tip says: the choice and the results in one.
                reply = self.say(f"{ANSWERS['status']} {ANSWERS['results']}")
                continue
            reply = self.say(ANSWERS.get(question, "Đã thực hiện theo kế hoạch."))
        raise RuntimeError(f"{self.user}: the report did not end:\n{reply}")


def register(app: App, user: str, agency: str) -> None:
    from tests.people import register as register_in_chat

    register_in_chat(app, user, agency, name="Nguyễn Văn An")


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="baocao-burden-"))
    os.chdir(workdir)
    clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=VN))
    app = App.build(load_settings(database_url=f"sqlite:///{workdir}/b.db"), clock=clock)
    app.prepare()
    letter = workdir / "bao-cao-da-ky.pdf"
    letter.write_bytes(b"%PDF-1.4\n% the signed report, scanned\n%%EOF\n")
    results: dict[str, dict[str, int]] = {}
    for user, agency in (("yte", "so-yte"), ("cujut", "ubnd-cu-jut"), ("khcn", "so-khcn")):
        register(app, user, agency)
        person = Person(app, user, letter)
        receipt = person.file_report()
        assert "ĐÃ NỘP BÁO CÁO" in receipt and "Văn bản 123/BC-SYT, 25/10/" in receipt, receipt
        results[agency] = {"messages": person.sent, "characters": person.read}
    clock.set(datetime(2027, 11, 2, 9, 0, tzinfo=VN))
    with transaction(app.make_session) as session:  # last year's period was closed in January
        for period in session.exec(select(ReportingPeriod)).all():
            close_period(session, period=period, clock=clock)
    open_current_periods(app.make_session, clock=clock, zone=app.settings.zone)
    person = Person(app, "yte", letter)
    receipt = person.file_report(first="1")  # «Dùng lại» last year's report
    assert "ĐÃ NỘP BÁO CÁO" in receipt and "Văn bản 123/BC-SYT" in receipt, receipt
    results["so-yte (last year kept)"] = {"messages": person.sent, "characters": person.read}
    app.close()
    for name, figures in results.items():
        print(f"{name:28} {figures['messages']:3} messages {figures['characters']:6} characters")
    ok = all(results[name]["messages"] <= goal for name, goal in GOALS.items()) and (
        results["so-yte"]["characters"] <= 4000
    )
    print(json.dumps({"results": results, "goals_met": ok}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
