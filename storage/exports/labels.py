"""The words the exported files use for statuses, roles and standings (from the catalogue).

The exports are official documents of a Vietnamese administration: they are written in
Vietnamese whatever language the bot speaks.
"""

from __future__ import annotations

from storage.i18n import translate
from storage.reports import TaskStatus
from storage.summary import NOT_REPORTED, REPORTED, Standing

EXPORT_LANGUAGE = "vi"


def _words(prefix: str, keys: list[str]) -> dict[str, str]:
    return {key: translate(f"{prefix}.{key}", EXPORT_LANGUAGE) for key in keys}


STATUS = _words(
    "status",
    [
        TaskStatus.not_started,
        TaskStatus.in_progress,
        TaskStatus.completed,
        TaskStatus.not_applicable,
        REPORTED,
        NOT_REPORTED,
    ],
)
NO_STATUS = frozenset({REPORTED, NOT_REPORTED})  # task cells that are not a status choice
STATUS_HEADER = translate("status.header", EXPORT_LANGUAGE)
ROLE = _words("role", ["lead", "coordinating"])
STANDING: dict[Standing, str] = {
    standing: translate(f"export.standing.{standing}", EXPORT_LANGUAGE) for standing in Standing
}
TIMELINESS: dict[Standing, str] = {
    standing: translate(f"export.timeliness.{standing}", EXPORT_LANGUAGE)
    for standing in (Standing.on_time, Standing.late, Standing.overdue, Standing.not_due)
}
GENERAL_TASK = translate("export.general_task", EXPORT_LANGUAGE)
NA_REASON = translate("export.na_reason", EXPORT_LANGUAGE, reason="{reason}")
NO_FOCAL = translate("export.no_focal", EXPORT_LANGUAGE)
