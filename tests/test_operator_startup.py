"""Start-up refuses bad configuration in one line and a non-zero exit (issue 16, part 1)."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import serve
from bot.logs import configure_logging, quiet_console
from bot.settings import load_settings

GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def test_a_misspelt_setting_in_the_environment_is_refused_with_a_suggestion(monkeypatch, capsys):
    monkeypatch.setenv("BAOCAO_TIMEZNE", "Asia/Ho_Chi_Minh")
    assert main(["plan", "show"]) == 2
    line = one_line_error(capsys)
    assert "BAOCAO_TIMEZNE" in line and "BAOCAO_TIMEZONE" in line


def test_a_misspelt_setting_in_dotenv_is_refused(tmp_path, capsys):
    (tmp_path / ".env").write_text("BAOCAO_LOG_LEVL=DEBUG\n", encoding="utf-8")
    assert main(["plan", "show"]) == 2
    line = one_line_error(capsys)
    assert "BAOCAO_LOG_LEVL" in line and "BAOCAO_LOG_LEVEL" in line and ".env" in line


@pytest.mark.parametrize(
    "token", ["abc", "123:short", "bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"]
)
def test_a_token_that_cannot_be_a_telegram_token_is_refused_locally(monkeypatch, capsys, token):
    monkeypatch.setenv("BAOCAO_TELEGRAM_TOKEN", token)
    assert main(["run"]) == 2
    line = one_line_error(capsys)
    assert "BAOCAO_TELEGRAM_TOKEN" in line and token not in line


def test_an_sqlite_path_in_a_missing_folder_is_refused(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BAOCAO_DATABASE_URL", f"sqlite:///{tmp_path}/nonexistent/dir/x.db")
    assert main(["db", "current"]) == 2
    line = one_line_error(capsys)
    assert "BAOCAO_DATABASE_URL" in line and "nonexistent" in line
    assert not (tmp_path / "nonexistent").exists()


def test_the_default_data_folder_is_still_created(capsys, tmp_path):
    assert main(["db", "current"]) == 0
    assert (tmp_path / "data" / "baocao.db").exists()


@pytest.mark.parametrize(
    "command", [["db", "current"], ["db", "upgrade"], ["agency", "list"], ["run"]]
)
def test_an_unreachable_database_is_one_line_with_host_and_port(monkeypatch, capsys, command):
    # Nothing listens on port 1; the password must never be printed.
    monkeypatch.setenv(
        "BAOCAO_DATABASE_URL", "postgresql://baocao:s3cretpw@127.0.0.1:1/baocao?connect_timeout=3"
    )
    monkeypatch.setenv("BAOCAO_TELEGRAM_TOKEN", GOOD_TOKEN)  # `run` gets as far as the database
    assert main(command) == 1
    line = one_line_error(capsys)
    assert "127.0.0.1:1" in line and "s3cretpw" not in line


def test_run_without_a_token_and_without_a_terminal_fails(capsys, tmp_path):
    code = serve.run(load_settings(), argparse.Namespace(), is_terminal=lambda: False)
    assert code != 0
    line = one_line_error(capsys)
    assert "BAOCAO_TELEGRAM_TOKEN" in line
    assert not (tmp_path / "data").exists()  # refused before touching the database


def test_run_without_a_token_under_systemd_exits_non_zero(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")},
    )
    assert result.returncode == 2
    assert "BAOCAO_TELEGRAM_TOKEN" in result.stderr and "Traceback" not in result.stderr


class BrokenStdout(io.StringIO):
    """A pipe whose reader (`head`) has gone."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


def test_piping_into_head_is_quiet(monkeypatch, capsys):
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdout", BrokenStdout())
    assert main(["plan", "show"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_plan_show_into_a_closed_pipe_prints_no_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAOCAO_")}
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "plan", "show"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_scheduler_info_lines_stay_out_of_the_console_chat():
    stream = io.StringIO()
    configure_logging("INFO", [], stream=stream)
    with quiet_console():
        logging.getLogger("scheduler.service").info("outbox: 3 planned, 0 cancelled")
        logging.getLogger("scheduler.service").warning("something is wrong")
    logging.getLogger("scheduler.service").info("after the chat")
    text = stream.getvalue()
    assert "3 planned" not in text
    assert "something is wrong" in text and "after the chat" in text


def test_json_log_format_writes_one_object_per_line():
    import json

    stream = io.StringIO()
    configure_logging("INFO", ["123:topsecret-token"], log_format="json", stream=stream)
    logging.getLogger("bot").info("token 123:topsecret-token used")
    entry = json.loads(stream.getvalue().strip())
    assert entry["level"] == "INFO" and entry["logger"] == "bot"
    assert "topsecret" not in entry["message"]


def test_quitting_while_a_job_runs_prints_no_cancelled_error(caplog):
    from scheduler.service import quiet_on_cancel

    caplog.set_level(logging.DEBUG)
    started = asyncio.Event()

    async def slow_job() -> None:
        started.set()
        await asyncio.sleep(3600)

    async def scenario() -> None:
        task = asyncio.create_task(quiet_on_cancel(slow_job)())
        await started.wait()
        task.cancel()
        assert await task is None  # ended, not re-raised into APScheduler's error log

    asyncio.run(scenario())
    assert "Traceback" not in caplog.text and "CancelledError" not in caplog.text


def test_env_example_ships_no_working_looking_admin_ids():
    example = Path(__file__).resolve().parents[1] / ".env.example"
    line = next(
        x for x in example.read_text(encoding="utf-8").splitlines() if x.startswith("BAOCAO_ADMINS")
    )
    assert line == "BAOCAO_ADMINS="


def test_a_well_formed_token_passes_the_local_check(monkeypatch):
    from bot.preflight import check_settings

    monkeypatch.setenv("BAOCAO_TELEGRAM_TOKEN", GOOD_TOKEN)
    check_settings(load_settings())


def test_a_start_up_error_is_said_in_both_languages_before_the_language_is_known(
    monkeypatch, capsys
):
    # BAOCAO_LANGUAGE is itself a setting that may not load: both languages, Vietnamese first.
    monkeypatch.setenv("BAOCAO_LANGUAGE", "en")
    monkeypatch.setenv("BAOCAO_TIMEZNE", "Asia/Ho_Chi_Minh")
    assert main(["plan", "show"]) == 2
    vietnamese, english = one_line_error(capsys).split(" / ")
    assert (
        vietnamese.startswith("Cấu hình không hợp lệ") and "có phải BAOCAO_TIMEZONE" in vietnamese
    )
    assert english.startswith("Invalid setting") and "did you mean BAOCAO_TIMEZONE" in english
