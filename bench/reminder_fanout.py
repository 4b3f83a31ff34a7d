"""Reminder fan-out benchmark.

10,000 focal points in 2,000 agencies, one deadline. Measures
1. the time to plan the reminders and write them to the outbox (median of several runs), and
2. the delivery rate through the real dispatcher and rate limiter against a local fake Bot API
   that answers 429 when more than 30 messages arrive in any second (or 2 in a second to one
   chat), as a fraction of the configured 30/s, with the number of 429s.

    .venv/bin/python bench/reminder_fanout.py [--database-url URL] [--runs 5] [--deliver 300]

The last line printed is one JSON object: plan_seconds, rate_fraction, http_429 (and details).
Goals: plan_seconds < 2; rate_fraction >= 0.95 with http_429 == 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import delete, func, insert, update
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import App, policy_from_settings
from bot.settings import load_settings
from handlers.events import Reply
from scheduler.delivery import DeliveryError
from scheduler.dispatch import Dispatcher
from scheduler.planner import ReminderPlanner
from scheduler.ratelimit import DEFAULT_LIMITS
from storage.clock import FrozenClock
from storage.db import transaction
from storage.models import (
    Agency,
    Identity,
    Membership,
    OutboxMessage,
    PeriodAgency,
    Person,
    ReportingPeriod,
)
from storage.reminders import CANCELLED

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCIES = 2_000
PER_AGENCY = 5


# --- the data ---------------------------------------------------------------------------------


def populate(app: App) -> None:
    """2,000 agencies owing the 2026 report, five focal points each, one Telegram chat each."""
    now = app.clock.now()
    with transaction(app.make_session) as session:
        period = session.exec(select(ReportingPeriod).where(ReportingPeriod.key == "2026")).one()
        first = (session.exec(select(func.max(Agency.id))).one() or 0) + 1
        agencies = [
            {
                "id": first + i,
                "code": f"bench-{i:05d}",
                "name": f"Cơ quan thử nghiệm số {i}",
                "kind": "other",
                "is_group": False,
                "reports": True,
                "merged_into_id": None,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(AGENCIES)
        ]
        session.execute(insert(Agency), agencies)
        session.execute(
            insert(PeriodAgency), [{"period_id": period.id, "agency_id": a["id"]} for a in agencies]
        )
        people, identities, memberships = [], [], []
        for n in range(AGENCIES * PER_AGENCY):
            person_id = n + 1
            people.append(
                {"id": person_id, "full_name": f"Đầu mối {n}", "position": "", "created_at": now}
            )
            identities.append(
                {
                    "id": person_id,
                    "person_id": person_id,
                    "channel": "telegram",
                    "external_id": str(500_000 + n),
                    "chat_id": str(500_000 + n),
                    "reachable": True,
                    "created_at": now,
                }
            )
            memberships.append(
                {
                    "id": person_id,
                    "person_id": person_id,
                    "agency_id": first + n // PER_AGENCY,
                    "role": "focal",
                    "status": "active",
                    "away_until": None,
                    "created_at": now,
                    "ended_at": None,
                }
            )
        session.execute(insert(Person), people)
        session.execute(insert(Identity), identities)
        session.execute(insert(Membership), memberships)


def time_planning(app: App, planner: ReminderPlanner, runs: int) -> tuple[list[float], int]:
    timings, written = [], 0
    for _ in range(runs):
        with transaction(app.make_session) as session:
            session.execute(delete(OutboxMessage))
        start = time.perf_counter()
        with transaction(app.make_session) as session:
            written = len(planner.plan(session, now=app.clock.now()))
        timings.append(time.perf_counter() - start)
    return timings, written


# --- the fake Bot API --------------------------------------------------------------------------


class FakeBotApi(ThreadingHTTPServer):
    """sendMessage with Telegram's limits: over 30 accepted in the last second, or a second
    message to one chat within a second, is answered 429 with retry_after."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.recent: deque[float] = deque()
        self.last_by_chat: dict[str, float] = {}
        self.accepted: list[float] = []
        self.rejected = 0

    def admit(self, chat_id: str) -> bool:
        with self.lock:
            now = time.monotonic()
            while self.recent and self.recent[0] <= now - 1.0:
                self.recent.popleft()
            last = self.last_by_chat.get(chat_id)
            if len(self.recent) >= 30 or (last is not None and now - last < 1.0):
                self.rejected += 1
                return False
            self.recent.append(now)
            self.last_by_chat[chat_id] = now
            self.accepted.append(now)
            return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stall
    server: FakeBotApi

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.server.admit(str(body["chat_id"])):
            status, answer = 200, {"ok": True, "result": {"message_id": 1}}
        else:
            status, answer = (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
            )
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class HttpChannel:
    """A minimal Bot API client, standing in for the Telegram adapter."""

    name = "telegram"

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = client, url

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        response = await self.client.post(self.url, json={"chat_id": chat_id, "text": reply.text})
        if response.status_code == 429:
            raise DeliveryError("429", retry_after=response.json()["parameters"]["retry_after"])
        response.raise_for_status()


async def deliver(app: App, url: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        dispatcher = Dispatcher(
            make_session=app.make_session, clock=app.clock, channels=[HttpChannel(client, url)]
        )
        await dispatcher.drain()


def serve_fake_api(conn: Connection) -> None:
    """The fake Bot API, in its own process like the real one: its timing is not disturbed by
    the benchmark's threads. Sends back its port, then (accepted instants, 429 count)."""
    server = FakeBotApi()
    conn.send(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conn.recv()  # told to stop
    server.shutdown()
    conn.send((server.accepted, server.rejected))


def measure_delivery(app: App, count: int) -> tuple[float, float, int, int]:
    """Deliver `count` of the planned reminders; returns (rate, fraction, 429s, accepted)."""
    with transaction(app.make_session) as session:
        keep = list(
            session.exec(select(OutboxMessage.id).order_by(col(OutboxMessage.id)).limit(count))
        )
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id).not_in(keep)).values(status=CANCELLED)
        )
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=serve_fake_api, args=(theirs,), daemon=True)
    process.start()
    try:
        port = ours.recv()
        asyncio.run(deliver(app, f"http://127.0.0.1:{port}/botTOKEN/sendMessage"))
    finally:
        ours.send("stop")
        accepted, rejected = ours.recv()
        process.join(timeout=10)
    configured = DEFAULT_LIMITS["telegram"].rate
    # Messages per second between the first and last arrival (n arrivals span n-1 gaps).
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0]) if len(accepted) > 1 else 0.0
    return rate, rate / configured, rejected, len(accepted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY database (default: a temporary SQLite)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deliver", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        clock = FrozenClock(datetime(2026, 11, 2, 9, 0, tzinfo=VN))
        app = App.build(load_settings(database_url=url, _env_file=None), clock=clock)
        try:
            app.prepare()
            populate(app)
            clock.set(datetime(2026, 11, 9, 8, 0, tzinfo=VN))  # 14 working days before 30/11
            planner = ReminderPlanner(policy=policy_from_settings(app.settings))
            timings, written = time_planning(app, planner, args.runs)
            plan_seconds = statistics.median(timings)
            print(f"database: {app.engine.dialect.name}")
            print(f"agencies: {AGENCIES}, focal points: {AGENCIES * PER_AGENCY}, one deadline")
            print(
                f"plan + write outbox: {written} rows, median {plan_seconds:.3f} s "
                f"(runs: {', '.join(f'{t:.3f}' for t in timings)})"
            )
            rate, fraction, rejected, accepted = measure_delivery(app, args.deliver)
            configured = DEFAULT_LIMITS["telegram"].rate
            print(
                f"delivery: {accepted} messages at {rate:.2f}/s against {configured:.0f}/s "
                f"configured ({fraction:.3f}), 429 answers: {rejected}"
            )
        finally:
            app.close()
    print(
        json.dumps(
            {
                "plan_seconds": round(plan_seconds, 3),
                "rate_fraction": round(fraction, 3),
                "http_429": rejected,
                "rows_planned": written,
                "messages_delivered": accepted,
                "rate_per_second": round(rate, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
