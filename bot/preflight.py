"""Checks run before any command touches the database or a network: each failure is one line
that names the setting (or the server), so an operator fixes it without reading a traceback."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url

from bot.settings import DEFAULT_DATABASE_URL, Settings
from storage.db import error_reason
from storage.i18n import LANGUAGES, bilingual, translate

# Read by the test suite, CI and dev.py, never by the bot: not typos.
NOT_SETTINGS = frozenset(
    {
        "BAOCAO_TEST_POSTGRES_URL",
        "BAOCAO_REQUIRE_POSTGRES",
        "BAOCAO_REQUIRE_SOFFICE",
        "BAOCAO_REQUIRE_BROWSER",
        "BAOCAO_VENV",
    }
)
# What @BotFather hands out: the bot's numeric id, a colon, then 35 URL-safe characters today.
TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")


class PreflightError(Exception):
    """A setting or server the bot cannot start with; the message is one line."""


def known_names() -> frozenset[str]:
    return frozenset(f"BAOCAO_{name.upper()}" for name in Settings.model_fields)


def unknown_names(names: Iterable[str]) -> list[str]:
    known = known_names() | NOT_SETTINGS
    return sorted({n for n in names if n.upper().startswith("BAOCAO_") and n.upper() not in known})


def check_names(environ: Mapping[str, str], env_file: Path = Path(".env")) -> None:
    """A misspelt BAOCAO_* name would otherwise be ignored without a word."""
    found: list[tuple[str, str | None]] = [(n, None) for n in unknown_names(environ)]
    if env_file.is_file():
        in_file = unknown_names(k for k in dotenv_values(env_file, encoding="utf-8") if k)
        found += [(n, str(env_file)) for n in in_file]
    if not found:
        return
    name, source = found[0]
    close = difflib.get_close_matches(name.upper(), sorted(known_names()), n=1, cutoff=0.6)
    # One language after the other: the hint belongs inside each sentence.
    raise PreflightError(
        " / ".join(
            translate(
                "startup.unknown_setting",
                language,
                name=name,
                source=source or translate("startup.environment", language),
                hint=translate("startup.did_you_mean", language, name=close[0]) if close else "",
            )
            for language in LANGUAGES
        )
    )


def check_token(settings: Settings) -> None:
    token = settings.telegram_token
    if token is not None and not TELEGRAM_TOKEN.match(token.get_secret_value().strip()):
        # The value itself is never printed: a near-miss is still most of a secret.
        raise PreflightError(bilingual("startup.bad_telegram_token"))


def check_sqlite_folder(settings: Settings) -> None:
    """A typo in the path must not start the bot on a new, empty database."""
    if settings.database_url == DEFAULT_DATABASE_URL:
        return  # the bundled default: data/ is made on first start
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    folder = Path(url.database).parent
    if not folder.is_dir():
        raise PreflightError(bilingual("startup.no_folder", folder=folder))


def check_settings(settings: Settings) -> None:
    """What can be told wrong from the values alone (the names are checked before loading)."""
    check_token(settings)
    check_sqlite_folder(settings)


def database_error_line(database_url: str, error: BaseException) -> str:
    """One line for a database that cannot be reached: host and port, never the password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        where = url.database or ":memory:"
    else:
        where = f"{url.host or 'localhost'}:{url.port or 5432}"
    first = error_reason(error, password=url.password)
    return bilingual("startup.no_database", where=where, reason=first)
