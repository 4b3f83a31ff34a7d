"""`/web`: a secretariat member gets a personal, one-time link that signs them in to the web
console (`storage.web_sessions`). The console itself is served by the bot's web endpoint."""

from __future__ import annotations

from handlers.context import Context, Role
from handlers.events import Reply
from handlers.registry import Registry
from storage.web_sessions import LINK_VALID, issue_signin

SIGNIN_PATH = "/signin/"


def web(ctx: Context, args: str) -> list[Reply]:
    base = ctx.config.web_url
    if not base:
        return [Reply(ctx.t("web.not_configured"))]
    event = ctx.event
    if event.chat_id != event.user_id:  # a group chat: everyone in it would read the link
        ctx.audit("web:link", "refused", reason="group chat")
        return [Reply(ctx.t("web.private_only"))]
    new = issue_signin(
        ctx.session,
        channel=event.channel,
        external_id=event.user_id,
        chat_id=event.chat_id,
        person_id=ctx.actor.person_id,
        clock=ctx.clock,
    )
    ctx.audit("web:link", "ok", signin_id=new.row.id)
    url = f"{base}{SIGNIN_PATH}{new.token}"
    minutes = int(LINK_VALID.total_seconds() // 60)
    return [Reply(ctx.t("web.link", url=url, minutes=minutes))]


def setup(registry: Registry) -> None:
    registry.command("web", web, roles={Role.secretariat}, description_key="cmd.web", order=49)
