"""Export benchmark: the secretariat's files on a large database.

100 agencies x 50 tasks x 10 yearly periods, every agency answering every task: 50,000 task
answers by question id (a lead's status, percent, results or reason; a coordinating agency's
results; about 60,000 `ReportAnswer` rows in all), plus each agency's answers asked once (funding,
outputs, difficulties, proposals), built with bulk inserts on a temporary SQLite database.
Measures (median of --runs):
1. the XLSX export of all 50,000 rows (`baocao export --period all`), and of one period;
2. the CSV export of all rows;
3. the DOCX draft report of one period (5,000 rows in its annex);
4. `/summary` of one period through the real dispatcher (figures, text and the PNG chart),
   and the figures alone.
Peak memory of the XLSX export is measured in a fresh process: the tracemalloc peak (Python
allocations, reported as xlsx_peak_mb) and the process's resident high-water mark (ru_maxrss,
which also counts the interpreter, the libraries and C buffers such as zlib's: an upper bound).

    .venv/bin/python bench/export.py [--runs 3]

The last line printed is one JSON object: xlsx_seconds, xlsx_peak_mb, docx_seconds,
summary_seconds (and details). Goals: xlsx_seconds < 10 with xlsx_peak_mb < 500;
summary_seconds < 0.5.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import insert
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import App
from bot.settings import load_settings
from handlers.events import IncomingEvent
from storage.clock import FrozenClock
from storage.db import transaction
from storage.exports.csv import write_csv
from storage.exports.docx_report import write_docx
from storage.exports.questions import load_view
from storage.exports.table import ConsolidatedTable
from storage.exports.xlsx import write_xlsx
from storage.forms import PERIODIC, latest_version
from storage.models import (
    Agency,
    Identity,
    Membership,
    Person,
    ReportAnswer,
    ReportingPeriod,
    Submission,
    SubmissionVersion,
    Task,
    TaskAssignment,
)
from storage.periods import ensure_yearly_period
from storage.plans import get_plan
from storage.requests import list_periods
from storage.summary import load_period, summarize

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCIES, TASKS, YEARS = 100, 50, range(2017, 2027)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=VN)
STATUSES = ("completed", "in_progress", "in_progress", "not_started", "not_applicable")
RESULTS = (
    "Đã tổ chức {n} hội thảo chuyên đề về ứng dụng công nghệ sinh học trong nông nghiệp, "
    "có {m} lượt người tham dự; xây dựng mô hình trình diễn giống cà phê nuôi cấy mô."
)


def plan_document() -> dict:
    codes = [f"cq-{i:03d}" for i in range(AGENCIES)]
    agencies = [
        {"code": c, "name": f"Cơ quan thử nghiệm số {i} tỉnh Đắk Nông", "kind": "department"}
        for i, c in enumerate(codes)
    ]
    agencies[0] = {"code": "so-khcn", "name": "Sở Khoa học và Công nghệ", "kind": "department"}
    codes[0] = "so-khcn"
    tasks = [
        {
            "number": n,
            "title": f"Nhiệm vụ số {n}: phát triển và ứng dụng công nghệ sinh học, lĩnh vực {n}",
            "timeframe": "Hàng năm",
            "lead": [codes[(2 * n) % AGENCIES], codes[(2 * n + 1) % AGENCIES]],
            "coordinating": ["tat-ca"],
        }
        for n in range(1, TASKS + 1)
    ]
    return {
        "plan": {
            "code": "452/KH-UBND",
            "title": "Kế hoạch thử nghiệm hiệu năng",
            "issuer": "Ủy ban nhân dân tỉnh Đắk Nông",
            "issued_on": "2023-07-17",
            "secretariat": "so-khcn",
        },
        "reporting": {"periodic": {"agencies_due": "11-30", "consolidation_due": "12-20"}},
        "agencies": agencies,
        "groups": [{"code": "tat-ca", "name": "Các cơ quan, đơn vị", "members": codes}],
        "duties": [{"number": 1, "heading": "Các cơ quan", "agencies": ["tat-ca"], "text": "-"}],
        "tasks": tasks,
    }


def build(folder: Path) -> App:
    """The database, filled with bulk inserts (a few seconds)."""
    plan_file = folder / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(plan_document(), allow_unicode=True), encoding="utf-8")
    settings = load_settings(database_url=f"sqlite:///{folder}/bench.db", plan_file=str(plan_file))
    app = App.build(settings, clock=FrozenClock(NOW))
    app.prepare()
    now = NOW.astimezone(UTC)
    with transaction(app.make_session) as session:
        plan = get_plan(session)
        assert plan is not None
        periods = [
            ensure_yearly_period(session, plan=plan, year=y, clock=app.clock)[0] for y in YEARS
        ]
        agencies = session.exec(
            select(Agency).where(col(Agency.is_group).is_(False)).order_by(col(Agency.id))
        ).all()
        tasks = session.exec(select(Task).order_by(col(Task.number))).all()
        leads = {
            (a.task_id, a.agency_id)
            for a in session.exec(select(TaskAssignment).where(TaskAssignment.role == "lead"))
        }
        people = []
        for i in range(len(agencies)):
            person = Person(
                full_name=f"Nguyễn Văn Đầu Mối {i}", position="Chuyên viên", created_at=now
            )
            session.add(person)
            people.append(person)
        session.flush()
        session.execute(
            insert(Identity),
            [
                {
                    "person_id": p.id,
                    "channel": "telegram",
                    "external_id": str(5000 + i),
                    "chat_id": str(5000 + i),
                    "reachable": i % 10 != 0,
                    "created_at": now,
                }
                for i, p in enumerate(people)
            ],
        )
        session.execute(
            insert(Membership),
            [
                {
                    "person_id": p.id,
                    "agency_id": a.id,
                    "role": "focal",
                    "status": "active",
                    "created_at": now,
                }
                for p, a in zip(people, agencies, strict=True)
            ],
        )
        submissions = []
        for period in periods:
            for agency in agencies:
                submissions.append(
                    {
                        "period_id": period.id,
                        "agency_id": agency.id,
                        "state": "submitted",
                        "current_version": 1,
                        "reference": f"{period.key}-{agency.code}".upper(),
                        "revision": 1,
                        "updated_at": now,
                        "return_comment": "",
                    }
                )
        session.execute(insert(Submission), submissions)
        rows = session.exec(select(Submission.id, Submission.period_id, Submission.agency_id)).all()
        due = {p.id: datetime(p.due_on.year, 11, 20, 9, 0, tzinfo=VN) for p in periods}
        form = latest_version(session, plan_id=plan.id, key=PERIODIC)
        assert form is not None
        session.execute(
            insert(SubmissionVersion),
            [
                {
                    "submission_id": s,
                    "version": 1,
                    "submitted_at": due[p] + timedelta(days=(a % 20)),
                    "submitted_by_person_id": people[(a - agencies[0].id) % len(people)].id,
                    "is_late": a % 20 > 10,
                    "comment": "",
                    "questionnaire_id": form.id,
                }
                for s, p, a in rows
            ],
        )
        versions = session.exec(
            select(SubmissionVersion.id, Submission.agency_id).join(
                Submission, col(Submission.id) == col(SubmissionVersion.submission_id)
            )
        ).all()
        rows = [
            row
            for version_id, agency_id in versions
            for row in _answers(version_id, agency_id, tasks, leads)
        ]
        for start in range(0, len(rows), 20_000):
            session.execute(insert(ReportAnswer), rows[start : start + 20_000])
    return app


def _answers(version_id: int, agency_id: int, tasks, leads) -> list[dict]:
    """One agency's answers in one version: each task's section (status, percent, results,
    the reason a task does not apply), then the questions asked once."""
    rows = []
    for task in tasks:
        lead = (task.id, agency_id) in leads
        status = STATUSES[(version_id + task.number) % len(STATUSES)]
        values: dict[str, object] = {
            "status": status,
            "results": RESULTS.format(n=task.number % 7 + 1, m=version_id % 300),
        }
        if status == "in_progress":
            values["percent"] = (version_id * 7 + task.number * 13) % 100
        if status == "not_applicable":
            values["na_reason"] = "Không thuộc lĩnh vực quản lý."
        section, role = ("lead", "lead") if lead else ("coordinating", "coordinating")
        if not lead:  # the short form: results only
            values = {"results": values["results"]}
        rows += [
            {
                "version_id": version_id,
                "section": section,
                "task_id": task.id,
                "role": role,
                "question": q,
                "value": v,
            }
            for q, v in values.items()
        ]
    once = {
        "funding_sources": ["state_budget", "mobilised"],
        "funding_state": 100_000_000 + version_id * 1000,
        "funding_mobilised": 20_000_000,
        "outputs": ["trainings"],
        "trainings": version_id % 5 + 1,
        "difficulties": "Thiếu kinh phí và nhân lực chuyên môn.",
        "proposals": "Đề nghị bổ sung kinh phí sự nghiệp khoa học.",
        "next_year": "Tiếp tục triển khai các nhiệm vụ của Kế hoạch.",
    }
    rows += [
        {
            "version_id": version_id,
            "section": "agency",
            "task_id": None,
            "role": "",
            "question": q,
            "value": v,
        }
        for q, v in once.items()
    ]
    return rows


def timed(function: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def export_xlsx(app: App, target: Path, *, every_period: bool = True) -> int:
    with app.make_session() as session:
        plan = get_plan(session)
        periods = list_periods(session, plan=plan) if every_period else [current(session)]
        table = ConsolidatedTable(session, periods=periods, today=NOW.date(), zone=VN)
        with target.open("wb") as stream:
            return write_xlsx(table, stream)


def export_csv(app: App, target: Path) -> int:
    with app.make_session() as session:
        periods = list_periods(session, plan=get_plan(session))
        table = ConsolidatedTable(session, periods=periods, today=NOW.date(), zone=VN)
        with target.open("wb") as stream:
            return write_csv(table, stream)


def export_docx(app: App, target: Path) -> None:
    with app.make_session() as session:
        facts = load_period(session, period=current(session), today=NOW.date(), with_text=True)
        with target.open("wb") as stream:
            write_docx(facts, load_view(session, periods=[current(session)]), stream)


def current(session) -> ReportingPeriod:
    return session.exec(select(ReportingPeriod).where(ReportingPeriod.key == "2026")).one()


def figures_only(app: App) -> None:
    with app.make_session() as session:
        summarize(load_period(session, period=current(session), today=NOW.date()))


def summary_command(app: App) -> None:
    replies = app.dispatcher.handle(
        IncomingEvent("console", "operator", "operator", "/summary 2026")
    )
    assert replies[-1].file is not None, replies[0].text


def _peak_child(database_url: str, plan_file: str, target: str, queue) -> None:
    """In a fresh process: the export once, under tracemalloc; then the RSS high-water mark."""
    settings = load_settings(database_url=database_url, plan_file=plan_file)
    app = App.build(settings, clock=FrozenClock(NOW))  # every module is imported by now
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    export_xlsx(app, Path(target))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    app.close()
    queue.put((peak / 2**20, (after - before) / 1024, after / 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        app = build(folder)
        with app.make_session() as session:
            count = len(session.exec(select(ReportAnswer.id)).all())
        print(f"Database: {count} answers, built in {time.perf_counter() - started:.1f} s")
        figures = {}
        rows = export_xlsx(app, folder / "all.xlsx")  # warm up, and check the row count
        assert rows == AGENCIES * TASKS * len(YEARS), rows
        figures["xlsx_seconds"] = timed(lambda: export_xlsx(app, folder / "all.xlsx"), args.runs)
        size = (folder / "all.xlsx").stat().st_size / 2**20
        print(f"XLSX, all periods ({rows} rows, {size:.1f} MB): {figures['xlsx_seconds']:.2f} s")
        one = timed(lambda: export_xlsx(app, folder / "one.xlsx", every_period=False), args.runs)
        figures["xlsx_one_period_seconds"] = one
        print(f"XLSX, one period ({rows // len(YEARS)} rows): {one:.2f} s")
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(
            target=_peak_child,
            args=(
                app.settings.database_url,
                str(app.settings.plan_file),
                str(folder / "peak.xlsx"),
                queue,
            ),
        )
        child.start()
        peak, rss_growth, rss = queue.get()
        child.join()
        figures["xlsx_peak_mb"] = peak
        figures["xlsx_process_maxrss_mb"] = rss
        print(
            f"XLSX, all periods, memory: tracemalloc peak {peak:.1f} MB; the whole process "
            f"(interpreter, libraries, export) peaked at {rss:.1f} MB resident "
            f"({rss_growth:+.1f} MB over its peak before the export)"
        )
        figures["csv_seconds"] = timed(lambda: export_csv(app, folder / "all.csv"), args.runs)
        print(f"CSV, all periods: {figures['csv_seconds']:.2f} s")
        export_docx(app, folder / "report.docx")
        figures["docx_seconds"] = timed(lambda: export_docx(app, folder / "report.docx"), args.runs)
        size = (folder / "report.docx").stat().st_size / 2**20
        print(f"DOCX report, one period ({size:.1f} MB): {figures['docx_seconds']:.2f} s")
        summary_command(app)  # warm up (matplotlib's first figure loads its fonts)
        figures["summary_seconds"] = timed(lambda: summary_command(app), max(args.runs, 5))
        figures["summary_figures_seconds"] = timed(lambda: figures_only(app), max(args.runs, 5))
        print(
            f"/summary (figures, text and chart): {figures['summary_seconds']:.3f} s; "
            f"figures alone: {figures['summary_figures_seconds']:.3f} s"
        )
        app.close()
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
