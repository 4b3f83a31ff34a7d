"""The Zalo channel on the Zalo Bot API: translates between Zalo and `handlers`.

Modules, one job each: `client` (the HTTP API, typed), `errors` (its error codes), `values`
(what it returns; millisecond dates, string ids), `bot.logs.Redaction` (the token out of logs),
`inbound` (updates to events), `outbound` (replies to numbered, split text), `files` (files as
download links), `sender` (sending a reply), `inbox` (store first, then handle), `processor`
(per-chat ordering), `handling` (one update start to finish), `polling` and `webhook` (the two
ways updates come in), `notices` (blocked users and the quota, told to the secretariat),
`channel` (the running channel).
"""

from bot.zalo.channel import ZaloChannel, ZaloOptions, ZaloStartError
from bot.zalo.polling import PollSettings

__all__ = ["PollSettings", "ZaloChannel", "ZaloOptions", "ZaloStartError"]
