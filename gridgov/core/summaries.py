"""What the figures of an import's or a job's summary are, in the reader's language: one list
for the job page and the commands. A key missing here shows as it is."""

from django.utils.translation import gettext_lazy as _

SUMMARY_LABELS = {
    "rows": _("Rows read"),
    "features": _("Areas in the file"),
    "created": _("Created"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "not_in_file": _("Not in the file"),
    "deactivated": _("Deactivated"),
    "removed": _("Removed"),
    "skipped": _("Skipped"),
    "escalated": _("Escalated"),
    "urged": _("Urged"),
    # What the deadline sweep did, by action
    "escalate": _("Escalated"),
    "urge": _("Urged"),
    "overdue": _("mark overdue"),
    "items_created": _("Items created"),
    "items_updated": _("Items updated"),
    "versions_created": _("Dated versions created"),
    "rows_skipped": _("Rows skipped"),
    "residents_created": _("Residents added"),
    "residents_updated": _("Residents updated"),
    "buildings_created": _("Buildings added"),
    "houses_created": _("Houses added"),
    "households_created": _("Households added"),
}


def labelled(summary: dict) -> list[tuple[str, object]]:
    return [(str(SUMMARY_LABELS.get(key, key)), value) for key, value in summary.items()]


def summary_text(summary: dict) -> str:
    """ "新建: 3; 更新: 1" — a command's last line."""
    return "; ".join(f"{label}: {value}" for label, value in labelled(summary))
