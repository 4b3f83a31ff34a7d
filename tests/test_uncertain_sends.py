"""A Telegram send answered after the bot's read timeout may have been delivered (issue 18, 4):
an outbox message is then never sent again; a reply someone waits for is resent."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from handlers.events import Reply
from scheduler.delivery import DeliveryError
from tests.fakes.telegram_api import Fault
from tests.test_telegram_channel import QUICK, fake, loop, sends, start_bot, tg  # noqa: F401

SLOW_TIMEOUTS = replace(QUICK, timeouts=replace(QUICK.timeouts, read=0.3))


def test_an_outbox_message_answered_too_late_is_not_sent_twice(start_bot, tg):  # noqa: F811
    bot = start_bot(options=SLOW_TIMEOUTS)
    user = tg.user(4901)
    tg.inject("sendMessage", Fault.slow(1.0), chat_id=4901)  # processed, answered too late
    with pytest.raises(DeliveryError) as raised:
        bot.deliver("4901", Reply("Nhắc việc: hạn nộp báo cáo là 30/11/2026."))
    assert raised.value.uncertain and not raised.value.permanent
    assert [m.text for m in user.wait_for_messages(1)] == [
        "Nhắc việc: hạn nộp báo cáo là 30/11/2026."
    ]
    assert len(tg.calls_to("sendMessage")) == 1  # the bot did not try again


def test_a_reply_answered_too_late_is_resent_because_the_person_waits(start_bot, tg):  # noqa: F811
    start_bot(options=SLOW_TIMEOUTS)
    user = tg.user(4902)
    tg.inject("sendMessage", Fault.timeout(delay=1.0), chat_id=4902)  # lost on the way
    user.send_text("/help")
    assert user.wait_for_messages(1)[0].text.startswith("Các lệnh bạn dùng được:")
    assert sends(tg, 4902) == [0, 200]


def test_an_uncertain_outbox_row_is_held_for_the_operator_and_never_resent(make_app, clock):
    from datetime import timedelta

    from tests.test_outbox_dispatch import dispatcher, queue
    from tests.test_reminders_support import FakeChannel, outbox

    app = make_app()
    queue(app)
    telegram = FakeChannel()
    telegram.errors.append(DeliveryError("no answer after sending", uncertain=True))
    report = asyncio.run(dispatcher(app, telegram).drain())
    assert report.uncertain == 1 and report.retried == 0
    clock.advance(timedelta(hours=2))  # far past any backoff: still nothing resent
    asyncio.run(dispatcher(app, telegram).drain())
    assert telegram.sent == []
    [row] = outbox(app)
    assert row.status == "sending"  # the held policy takes it (and tells the secretariat)
