"""The Zalo channel on the Zalo Bot API: translates between Zalo and `handlers`.

Modules, one job each: `client` (the HTTP API, typed), `errors` (its error codes), `values`
(what it returns; millisecond dates, string ids), `bot.logs.Redaction` (the token out of logs),
`inbound` (updates to events), `outbound` (replies to numbered, split text), `files` (files as
download links), `sender` (sending a reply), `inbox` (store first, then handle in the chat's
turn), `pipeline` (what is Zalo's own in handling an update), `polling` and `webhook` (the two
ways updates come in), `notices` (the quota, told to the secretariat), `channel` (the running
channel). What every channel shares is `bot.adapter`.
"""

from bot.zalo.channel import ZaloChannel, ZaloOptions, ZaloStartError
from bot.zalo.polling import PollSettings

__all__ = ["PollSettings", "ZaloChannel", "ZaloOptions", "ZaloStartError"]
