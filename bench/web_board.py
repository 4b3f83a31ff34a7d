"""Web console benchmark: the period board for 100 agencies x 50 tasks.

The database is bench/export.py's, for the one yearly period 2026 (every agency answering every
task: 5,000 task answers), served by the real tornado listener with the console's routes. The
secretariat signs in with the link `/web` gives, then measures (median of --runs):
1. the board, `GET /web/?period=2026`: the request from arrival to the last byte, on this
   machine (session check, the period's figures, the page drawn by Jinja2), as the server's
   render time;
2. the poll an open board makes every 10 s (`/web/board/changes`, answered 204);
3. the baselines in the same run: `GET /healthz` (a database query and JSON) and the period's
   figures alone, in process (what /summary computes: the data the board draws);
and the page's weight: the HTML with everything it loads (style sheets, htmx), no images,
as sent (tornado does not compress) and gzipped.

    .venv/bin/python bench/web_board.py [--runs 15]

The last line printed is one JSON object: board_ms, page_kb (and details). Goals: board_ms
< 300 and page_kb < 300.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import export as dataset  # bench/export.py: the same 100 agencies x 50 tasks

from bot.app import App
from bot.settings import load_settings
from bot.web import WebServer, health_route
from bot.webconsole import console_routes
from handlers.events import IncomingEvent
from storage.clock import FrozenClock

PUBLIC_URL = "http://bot.example.gov.vn"
LINK = re.compile(r"https?://\S+(/web/signin/[A-Za-z0-9_\-]+)")
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
LOADED = re.compile(r'(?:href|src)="(/web/(?:static|palette)[^"?]*)')


class Serving:
    """The web endpoint on its own thread and event loop, as `baocao run` serves it."""

    def __init__(self, app: App) -> None:
        routes = [health_route(app.make_session, app.clock, tick_seconds=60), *console_routes(app)]
        self.server = WebServer(listen="127.0.0.1", port=0, routes=routes)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        await self.server.start()
        self._ready.set()
        await self._stop.wait()
        await self.server.stop()

    def __enter__(self) -> str:
        self._thread.start()
        self._ready.wait(10)
        return self.server.url

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def median_ms(function: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return 1000 * statistics.median(samples)


def build(folder: Path) -> App:
    dataset.YEARS = range(2026, 2027)  # one period: the board shows one
    app = dataset.build(folder)
    settings = load_settings(
        database_url=app.settings.database_url,
        plan_file=str(app.settings.plan_file),
        public_url=PUBLIC_URL,
    )
    app.close()
    console = App.build(settings, clock=FrozenClock(dataset.NOW))
    console.prepare()
    return console


def sign_in(app: App, http: httpx.Client, url: str) -> None:
    replies = app.dispatcher.handle(IncomingEvent("console", "operator", "operator", "/web"))
    found = LINK.search(replies[0].text)
    assert found, replies[0].text
    page = http.get(url + found.group(1))
    token = XSRF.search(page.text)
    assert token, page.text[:300]
    answer = http.post(url + found.group(1), data={"_xsrf": token.group(1)})
    assert answer.status_code == 303, answer.status_code


def main() -> None:
    logging.getLogger("bot.web").setLevel(logging.ERROR)  # one access-log line per request
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        app = build(Path(tmp))
        print(f"Database: 100 agencies x 50 tasks, built in {time.perf_counter() - started:.1f} s")
        with Serving(app) as url, httpx.Client(timeout=30) as http:
            sign_in(app, http, url)
            board = http.get(f"{url}/web/?period=2026")
            assert board.status_code == 200, board.status_code
            rows = board.text.count("<tr data-agency=")
            cells = board.text.count("</td>")
            assert rows == dataset.AGENCIES, rows
            stamp = re.search(r"since=([A-Za-z0-9\-]+)", board.text)
            assert stamp
            poll = f"{url}/web/board/changes?period=2026&show=all&role=all&since={stamp.group(1)}"
            assert http.get(poll).status_code == 204

            figures["board_ms"] = median_ms(lambda: http.get(f"{url}/web/?period=2026"), args.runs)
            figures["poll_ms"] = median_ms(lambda: http.get(poll), args.runs)
            figures["healthz_ms"] = median_ms(lambda: http.get(f"{url}/healthz"), args.runs)
            figures["board_vs_healthz"] = figures["board_ms"] / figures["healthz_ms"]
            figures["figures_ms"] = median_ms(lambda: dataset.figures_only(app), args.runs)

            loaded = {path: http.get(url + path).content for path in LOADED.findall(board.text)}
            html = board.content
            raw = len(html) + sum(len(body) for body in loaded.values())
            zipped = len(gzip.compress(html)) + sum(len(gzip.compress(b)) for b in loaded.values())
            figures["page_kb"] = raw / 1024
            figures["page_gzip_kb"] = zipped / 1024
            figures["html_kb"] = len(html) / 1024
        app.close()
    print(
        f"Board ({rows} agencies, {cells} cells): {figures['board_ms']:.0f} ms median; "
        f"the 204 poll {figures['poll_ms']:.1f} ms; /healthz {figures['healthz_ms']:.1f} ms "
        f"(board / healthz = {figures['board_vs_healthz']:.1f}); the figures alone "
        f"{figures['figures_ms']:.0f} ms"
    )
    print(
        f"Page weight without images: {figures['page_kb']:.0f} kB as sent "
        f"(HTML {figures['html_kb']:.0f} kB, then {', '.join(loaded)}), "
        f"{figures['page_gzip_kb']:.0f} kB gzipped"
    )
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
