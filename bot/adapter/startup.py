"""Starting a channel: the platform's own steps run, and whatever stops them becomes one line
for the operator (a refused token, or the platform out of reach, never the token itself), with
everything half-started closed first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.channel_errors import ChannelStartError


async def start_or_explain(
    steps: Callable[[], Awaitable[None]],
    *,
    close: Callable[[], Awaitable[None]],
    refused: type[BaseException],
    refused_text: str,
    unreachable: tuple[type[BaseException], ...],
    unreachable_text: Callable[[BaseException], str],
    error: type[ChannelStartError],
) -> None:
    """Run `steps`; raise `error` with the operator's line when they fail."""
    problem = None
    try:
        await steps()
    except refused:
        problem = refused_text
    except unreachable as failure:
        problem = unreachable_text(failure)
    except BaseException:
        await close()
        raise
    if problem is not None:
        await close()
        # Raised outside the except blocks: the original error (and a token in its message)
        # is not even kept as this one's context.
        raise error(problem)
