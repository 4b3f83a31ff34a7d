"""The conversations and commands, written once for every channel.

A handler takes a plain `IncomingEvent` and returns plain `Reply` values; no Telegram or Zalo
type crosses this line.
"""
