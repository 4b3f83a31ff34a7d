"""Telegram throughput: baocao against a bare python-telegram-bot echo bot.

One fake Bot API server (tests/fakes/telegram_api.py, real HTTP on 127.0.0.1) serves two bot
tokens. Each bot runs in its own process, polling the server: (a) baocao's Telegram channel on a
fresh SQLite database (every update goes through the real handlers and database), and (b) an echo
bot with python-telegram-bot's defaults. N simulated users each send M messages, one at a time,
each waiting for the bot's answer before sending the next, as people in a chat do. A run's rate
is N*M updates over the time from the first message to the last answer; the figures are medians
over several runs, alternating the bots.

    .venv/bin/python bench/telegram_throughput.py [--users 20] [--messages 10] [--runs 7]

Telegram's own flood limits (30 messages/s, 1/s per chat) are switched off in baocao for this
measurement: they are a ceiling the platform imposes on any bot (the echo bot would meet 429s),
while this benchmark measures what each bot's own processing costs.

Each run also measures the CPU time each bot's process spent per update (Linux /proc): unlike
the rates it hardly moves when other programs share the machine. `cpu_ratio` is the median over
the runs of echo's CPU per update divided by baocao's, each pair measured in the same run.

The last line printed is one JSON object: baocao_updates_per_s, echo_updates_per_s, ratio,
baocao_cpu_ms, echo_cpu_ms, cpu_ratio, and stored_updates and unhandled_after_stop (every
update stored must be marked handled once the bot has stopped). Goal: ratio and cpu_ratio
>= 0.5, unhandled_after_stop 0.

`--profile FILE` writes cProfile statistics (CPU time) of baocao's process, its event loop and
worker threads together, to find hotspots: `python -m pstats FILE`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from multiprocessing.synchronize import Event
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import telegram

from tests.fakes.telegram_api import FakeBot, FakeTelegram

BAOCAO_TOKEN = "111111:BENCH-baocao"
ECHO_TOKEN = "222222:BENCH-echo"
TEXTS = ("/help", "xin chào", "/start", "Báo cáo tình hình thực hiện nhiệm vụ 3")
READY_TIMEOUT = 120.0
ANSWER_TIMEOUT = 60.0


# --- the two bots, each in its own process ---------------------------------------------------


def run_baocao(
    api_url: str, workdir: str, ready: Event, stop: Event, profile: str | None = None
) -> None:
    from bot.app import App
    from bot.logs import configure_logging
    from bot.settings import load_settings
    from bot.telegram import Limits, TelegramChannel, TelegramOptions

    configure_logging("WARNING", [BAOCAO_TOKEN])
    settings = load_settings(
        database_url=f"sqlite:///{workdir}/baocao.db",
        telegram_token=BAOCAO_TOKEN,
        telegram_api_url=api_url,
    )
    app = App.build(settings)
    app.prepare()
    channel = TelegramChannel(app, TelegramOptions(limits=Limits.unlimited()))

    async def serve() -> None:
        await channel.start()
        ready.set()
        await asyncio.to_thread(stop.wait)
        await channel.stop()

    try:
        if profile:
            profiled(serve, profile)
        else:
            asyncio.run(serve())
    finally:
        app.close()


def profiled(serve: Callable[[], Awaitable[None]], path: str) -> None:
    """--profile: where the bot's CPU goes, the event loop and its worker threads (the
    handlers) together, written as one cProfile statistics file."""
    import cProfile
    import pstats
    from concurrent.futures import ThreadPoolExecutor

    profiles: list[cProfile.Profile] = []

    def start_profiling() -> None:
        profiles.append(cProfile.Profile(time.thread_time))
        profiles[-1].enable()

    async def main() -> None:
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(initializer=start_profiling)
        )
        await serve()

    loop_profile = cProfile.Profile(time.thread_time)  # CPU, not waiting
    loop_profile.runcall(asyncio.run, main())
    stats = pstats.Stats(loop_profile)
    for thread_profile in profiles:
        stats.add(thread_profile)
    stats.dump_stats(path)


def run_echo(api_url: str, ready: Event, stop: Event) -> None:
    """The plainest PTB bot: answer every text with itself; PTB's defaults otherwise."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    logging.basicConfig(level=logging.WARNING)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application = (
        Application.builder()
        .token(ECHO_TOKEN)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def serve() -> None:
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling()
            ready.set()
            await asyncio.to_thread(stop.wait)
            await application.updater.stop()
            await application.stop()

    asyncio.run(serve())


# --- the simulated users ---------------------------------------------------------------------


def one_run(bot: FakeBot, first_user: int, users: int, messages: int) -> float:
    """Updates per second for `users` people chatting `messages` times each."""
    start = threading.Barrier(users + 1)
    failures: list[BaseException] = []

    def chat(user_id: int) -> None:
        user = bot.user(user_id, f"Người dùng {user_id}")
        start.wait()
        try:
            for n in range(messages):
                user.send_text(TEXTS[(user_id + n) % len(TEXTS)])
                user.wait_for_messages(n + 1, timeout=ANSWER_TIMEOUT)
        except BaseException as error:  # reported after the run
            failures.append(error)

    threads = [
        threading.Thread(target=chat, args=(first_user + n,), daemon=True) for n in range(users)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} simulated users failed: {failures[0]}")
    return users * messages / elapsed


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time a process has used (Linux /proc), to show cost per update beside the rates:
    unlike wall-clock rates it hardly moves when other programs share the machine."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", help="write cProfile statistics of baocao's process here")
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    with FakeTelegram() as server, tempfile.TemporaryDirectory() as workdir:
        bots = {"baocao": server.add_bot(BAOCAO_TOKEN), "echo": server.add_bot(ECHO_TOKEN)}
        ready = {name: context.Event() for name in bots}
        processes = [
            context.Process(
                target=run_baocao,
                args=(server.url, workdir, ready["baocao"], stop, args.profile),
                daemon=True,
            ),
            context.Process(target=run_echo, args=(server.url, ready["echo"], stop), daemon=True),
        ]
        for process in processes:
            process.start()
        try:
            for name, event in ready.items():
                if not event.wait(READY_TIMEOUT):
                    raise SystemExit(f"the {name} bot did not start")
            one_run(bots["baocao"], 1, args.users, 2)  # warm up both (imports, caches)
            one_run(bots["echo"], 1, args.users, 2)
            pids = {"baocao": processes[0].pid, "echo": processes[1].pid}
            rates: dict[str, list[float]] = {name: [] for name in bots}
            cpu_ms: dict[str, list[float]] = {name: [] for name in bots}
            updates = args.users * args.messages
            for run in range(args.runs):
                order = ("baocao", "echo") if run % 2 == 0 else ("echo", "baocao")
                for name in order:
                    first_user = 1000 * (run + 1)
                    before = cpu_seconds(pids[name])
                    rates[name].append(one_run(bots[name], first_user, args.users, args.messages))
                    after = cpu_seconds(pids[name])
                    if before is not None and after is not None:
                        cpu_ms[name].append((after - before) * 1000 / updates)
                print(
                    f"run {run + 1}: baocao {rates['baocao'][-1]:.0f}/s, "
                    f"echo {rates['echo'][-1]:.0f}/s"
                )
        finally:
            stop.set()
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.terminate()
                    process.join()
        # Every update stored was marked handled by the time the bot stopped (those that
        # changed nothing are marked in batches: bot.adapter.inbox).
        with sqlite3.connect(Path(workdir) / "baocao.db") as database:
            stored, unhandled = database.execute(
                "SELECT count(*), count(*) - count(handled_at) FROM inbound_update"
            ).fetchone()

    polls = {name: len(bot.calls_to("getUpdates")) for name, bot in bots.items()}
    baocao = statistics.median(rates["baocao"])
    echo = statistics.median(rates["echo"])
    print(
        f"{args.users} users x {args.messages} messages, {args.runs} runs; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"python-telegram-bot {telegram.__version__}"
    )
    for name, rate in (("baocao", baocao), ("echo", echo)):
        cost = f", {statistics.median(cpu_ms[name]):.1f} ms CPU/update" if cpu_ms[name] else ""
        print(f"{name + ':':7} {rate:.0f} updates/s (median){cost}, {polls[name]} getUpdates")
    figures: dict[str, float] = {
        "baocao_updates_per_s": round(baocao, 1),
        "echo_updates_per_s": round(echo, 1),
        "ratio": round(baocao / echo, 3),
        "stored_updates": stored,
        "unhandled_after_stop": unhandled,
    }
    print(f"stored updates: {stored}, left unhandled after the stop: {unhandled}")
    print(f"ratio:  {baocao / echo:.2f} (goal >= 0.5)")
    if cpu_ms["baocao"] and len(cpu_ms["echo"]) == len(cpu_ms["baocao"]):
        pairs = [e / b for e, b in zip(cpu_ms["echo"], cpu_ms["baocao"], strict=True) if b]
        figures["baocao_cpu_ms"] = round(statistics.median(cpu_ms["baocao"]), 2)
        figures["echo_cpu_ms"] = round(statistics.median(cpu_ms["echo"]), 2)
        figures["cpu_ratio"] = round(statistics.median(pairs), 3)
        print(f"CPU ratio (echo / baocao per update): {figures['cpu_ratio']:.2f} (goal >= 0.5)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
