"""User-facing text of the handlers: looked up in the one catalogue (`storage.i18n`).

The words themselves live in `storage/locale/<language>/LC_MESSAGES/baocao.po`.
"""

from __future__ import annotations

from storage.i18n import Language, translate, translate_plural

__all__ = ["Language", "translate", "translate_plural"]
