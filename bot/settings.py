"""All configuration, read once from BAOCAO_* environment variables and `.env`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.i18n import bilingual

CHANNELS = ("telegram", "zalo", "console")
DEFAULT_DATABASE_URL = "sqlite:///data/baocao.db"


@dataclass(frozen=True)
class ChatIdentity:
    """A user on one channel, e.g. ``telegram:123456``."""

    channel: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


class Settings(BaseSettings):
    """Every setting of the bot; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_prefix="BAOCAO_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = "vi"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    plan_file: Path | None = None

    admins: Annotated[tuple[ChatIdentity, ...], NoDecode] = ()

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"

    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = None
    max_upload_mb: int = Field(default=20, ge=1, le=2000)

    zalo_token: SecretStr | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None

    http_listen: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    public_url: str | None = None
    download_link_hours: int = Field(default=24, ge=1, le=24 * 30)
    download_single_use: bool = False  # a download link opens once
    web_session_hours: int = Field(default=8, ge=1, le=24 * 7)  # a web console sign-in lasts

    # Where the documents people send are kept: a folder (beside the database unless
    # BAOCAO_FILES_DIR says otherwise), or an S3-compatible store: s3://bucket[/prefix].
    file_store: str = "local"
    files_dir: Path | None = None
    s3_endpoint_url: str | None = None  # MinIO, Ceph, a cloud; None: AWS itself
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_region: str = "us-east-1"

    require_approval: bool = False
    invite_days: int = Field(default=7, ge=1, le=365)
    review_notify: Literal["instant", "digest"] = "instant"

    reminder_days: Annotated[tuple[int, ...], NoDecode] = (14, 7, 3, 1, 0)
    reminder_overdue_every: int = Field(default=2, ge=1, le=30)
    reminder_time: time = time(8, 0)
    reminder_grace_hours: int = Field(default=12, ge=0, le=24 * 14)
    extra_days_off: Annotated[tuple[date, ...], NoDecode] = ()
    makeup_working_days: Annotated[tuple[date, ...], NoDecode] = ()

    period_auto_close_days: int = Field(default=30, ge=0, le=366)

    scheduler_tick_seconds: int = Field(default=60, ge=5, le=3600)

    # The draft report: a Word template of one's own (checked at start), and who issues and
    # signs it. Empty names are worked out from the plan (its issuer, the secretariat).
    report_template: Path | None = None
    report_issuer: str = ""  # "UBND TỈNH ĐẮK NÔNG"
    report_agency: str = ""  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    report_place: str = ""  # "Đắk Nông"
    report_recipient: str = ""  # "Ủy ban nhân dân tỉnh Lâm Đồng" (default: the plan's issuer)
    report_signer_title: str = "GIÁM ĐỐC"
    report_signer_name: str = ""
    report_deputy: bool = False  # a deputy signs: "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"
    report_unit: str = ""  # the drafting unit in "Lưu: VT, <unit>."

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(bilingual("startup.unknown_zone", zone=value)) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError(bilingual("startup.database_scheme"))
        return value

    @field_validator("telegram_webhook_url", "zalo_webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        # Telegram and Zalo only post to HTTPS addresses; plain HTTP is for a Bot API server
        # (or a test double) on this machine.
        if value is None or value.startswith("https://"):
            return value
        host = urlsplit(value).hostname or ""
        if value.startswith("http://") and (
            host in {"localhost", "::1"} or host.startswith("127.")
        ):
            return value
        raise ValueError(bilingual("startup.https_url"))

    @field_validator("file_store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        from storage.files.location import LOCAL, parse_s3_url

        value = value.strip() or LOCAL
        if value != LOCAL:
            parse_s3_url(value)  # raises ValueError, which names the setting
        return value

    @field_validator("telegram_api_url", "zalo_api_url", "public_url", "s3_endpoint_url")
    @classmethod
    def _http_root(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(bilingual("startup.http_url"))
        return value.rstrip("/")

    @field_validator(
        "telegram_token",
        "zalo_token",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "zalo_webhook_url",
        "zalo_webhook_secret",
        "public_url",
        "plan_file",
        "report_template",
        "files_dir",
        "s3_endpoint_url",
        "s3_access_key",
        "s3_secret_key",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> tuple[int, ...]:
        if isinstance(value, tuple | list):
            items = [str(v) for v in value]
        else:
            items = [v for v in str(value or "").replace(" ", "").split(",") if v]
        try:
            days = sorted({int(v) for v in items}, reverse=True)
        except ValueError:
            raise ValueError(bilingual("startup.reminder_days_numbers")) from None
        if any(d < 0 for d in days):
            raise ValueError(bilingual("startup.reminder_days_negative"))
        return tuple(days)

    @field_validator("extra_days_off", "makeup_working_days", mode="before")
    @classmethod
    def _parse_dates(cls, value: object) -> tuple[date, ...]:
        if isinstance(value, tuple | list):
            return tuple(value)
        try:
            return tuple(
                date.fromisoformat(v.strip()) for v in str(value or "").split(",") if v.strip()
            )
        except ValueError:
            raise ValueError(bilingual("startup.dates")) from None

    @field_validator("report_template")
    @classmethod
    def _usable_template(cls, value: Path | None) -> Path | None:
        # Checked here, at start, so a wrong file is one clear line rather than a failed
        # /report weeks later. Imported only when a template is given (docxtpl is not light).
        if value is None:
            return None
        from storage.exports.docx_report import TemplateError, check_template

        try:
            check_template(value)
        except TemplateError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(bilingual("startup.telegram_webhook_secret"))
        if self.zalo_webhook_url:
            secret = self.zalo_webhook_secret.get_secret_value() if self.zalo_webhook_secret else ""
            if not 8 <= len(secret) <= 256:
                raise ValueError(bilingual("startup.zalo_webhook_secret"))
        return self

    @field_validator("admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: object) -> tuple[ChatIdentity, ...]:
        if isinstance(value, tuple | list):
            return tuple(value)
        if value is None or not str(value).strip():
            return ()
        identities = []
        for item in str(value).split(","):
            channel, sep, user_id = item.strip().partition(":")
            if not sep or channel not in CHANNELS or not user_id.strip():
                raise ValueError(
                    bilingual("startup.admin_item", item=item.strip(), channels=", ".join(CHANNELS))
                )
            identities.append(ChatIdentity(channel, user_id.strip()))
        return tuple(identities)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_admin(self, channel: str, user_id: str) -> bool:
        return ChatIdentity(channel, user_id) in self.admins


class SettingsError(Exception):
    """A bad setting; the message is one line that names it."""


def load_settings(**overrides: object) -> Settings:
    """Build the settings once, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        reason = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            name = "BAOCAO_" + str(error["loc"][0]).upper()
            raise SettingsError(
                bilingual("startup.invalid_setting", name=name, reason=reason)
            ) from None
        raise SettingsError(bilingual("startup.invalid_settings", reason=reason)) from None
