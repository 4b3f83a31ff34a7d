"""`baocao run` with a channel that cannot start stops with one clear line, no traceback."""

from __future__ import annotations

from bot.cli import main
from tests.fakes.telegram_api import FakeTelegram


def test_a_rejected_telegram_token_stops_start_up_with_one_line(monkeypatch, capsys, tmp_path):
    with FakeTelegram() as fake:
        fake.add_bot()  # a real bot exists, but not with this token
        monkeypatch.setenv("BAOCAO_DATABASE_URL", f"sqlite:///{tmp_path}/b.db")
        # Well formed (the local check passes), but the server knows no such bot.
        monkeypatch.setenv("BAOCAO_TELEGRAM_TOKEN", "999:wrong-secret-token-of-35-characters")
        monkeypatch.setenv("BAOCAO_TELEGRAM_API_URL", fake.url)
        assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "BAOCAO_TELEGRAM_TOKEN" in err and "@BotFather" in err
    assert "Traceback" not in err and "wrong-secret-token" not in err
