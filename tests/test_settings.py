"""Settings: sensible defaults, and a bad value stops start-up with one line naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import ChatIdentity, Settings, SettingsError, load_settings


def test_defaults_run_on_sqlite_in_vietnamese_local_time():
    settings = load_settings()
    assert settings.database_url == "sqlite:///data/baocao.db"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.language == "vi"
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.telegram_token is None and settings.zalo_token is None
    assert settings.reminder_days == (14, 7, 3, 1, 0)
    assert settings.reminder_time == time(8, 0)


def test_values_come_from_environment_and_dotenv(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(
        "BAOCAO_LANGUAGE=en\nBAOCAO_ADMINS=telegram:123456, zalo:6ede9afa66b8\n", encoding="utf-8"
    )
    monkeypatch.setenv("BAOCAO_TELEGRAM_TOKEN", "123:secret-token")
    monkeypatch.setenv("BAOCAO_EXTRA_DAYS_OFF", "2026-12-31")
    settings = load_settings()
    assert settings.language == "en"
    assert settings.admins == (
        ChatIdentity("telegram", "123456"),
        ChatIdentity("zalo", "6ede9afa66b8"),
    )
    assert settings.extra_days_off == (date(2026, 12, 31),)
    assert settings.telegram_token is not None
    assert "secret-token" not in repr(settings)
    assert settings.telegram_token.get_secret_value() == "123:secret-token"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BAOCAO_TIMEZONE", "Mars/Olympus"),
        ("BAOCAO_LANGUAGE", "fr"),
        ("BAOCAO_DATABASE_URL", "mysql://localhost/x"),
        ("BAOCAO_ADMINS", "telegram123"),
        ("BAOCAO_TELEGRAM_API_URL", "api.telegram.org"),
        ("BAOCAO_REMINDER_DAYS", "14,seven"),
        ("BAOCAO_MAKEUP_WORKING_DAYS", "2026-13-01"),
        ("BAOCAO_ZALO_WEBHOOK_URL", "http://bot.example.vn/zalo"),
        ("BAOCAO_PUBLIC_URL", "bot.example.vn"),
    ],
)
def test_bad_value_names_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_webhook_without_secret_is_refused(monkeypatch):
    monkeypatch.setenv("BAOCAO_TELEGRAM_WEBHOOK_URL", "https://bot.example.vn/tg")
    with pytest.raises(SettingsError, match="BAOCAO_TELEGRAM_WEBHOOK_SECRET"):
        load_settings()


def test_cli_stops_with_one_clear_line(monkeypatch, capsys):
    monkeypatch.setenv("BAOCAO_TIMEZONE", "Nowhere/Atlantis")
    assert main(["plan", "show"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "BAOCAO_TIMEZONE" in err[0]


@pytest.mark.processes
def test_python_dash_m_bot_starts_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    assert "plan" in result.stdout and "run" in result.stdout


def test_env_example_documents_every_setting_and_loads(tmp_path):
    example = Path(__file__).resolve().parents[1] / ".env.example"
    names = {
        line.split("=", 1)[0]
        for line in example.read_text(encoding="utf-8").splitlines()
        if line.startswith("BAOCAO_")
    }
    assert names == {f"BAOCAO_{field.upper()}" for field in Settings.model_fields}
    shutil.copy(example, tmp_path / ".env")
    settings = load_settings()
    assert settings.plan_file is None and settings.telegram_token is None
    assert settings.admins == ()  # no made-up ids that look like someone's real account


def test_readme_settings_table_lists_every_setting():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    rows = [
        line.split("|")[1].strip().strip("`")
        for line in readme.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `BAOCAO_")
    ]
    names = {f"BAOCAO_{field.upper()}" for field in Settings.model_fields}
    assert names - set(rows) == set(), "settings missing from the README table"
    assert set(rows) - names == set(), "README table rows that are not settings"


def test_a_plain_http_webhook_is_only_for_this_machine(monkeypatch):
    monkeypatch.setenv("BAOCAO_TELEGRAM_WEBHOOK_SECRET", "s" * 32)
    monkeypatch.setenv("BAOCAO_TELEGRAM_WEBHOOK_URL", "http://127.0.0.1:8443/tg")
    assert load_settings().telegram_webhook_url == "http://127.0.0.1:8443/tg"
    monkeypatch.setenv("BAOCAO_TELEGRAM_WEBHOOK_URL", "http://bot.example.vn/tg")
    with pytest.raises(SettingsError, match="BAOCAO_TELEGRAM_WEBHOOK_URL"):
        load_settings()
