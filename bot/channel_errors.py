"""The error every channel raises when it cannot start (the message names the cause)."""


class ChannelStartError(Exception):
    """A channel could not start; the message is one line and never holds a secret."""
