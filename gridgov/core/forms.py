"""What every spreadsheet import's upload form shares: the file's checks and the choice to
skip bad rows. An area's form adds its own fields (where to import) and the file's label."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


def too_large_message(max_bytes: int | None = None) -> str:
    if max_bytes is None:
        max_bytes = settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES
    return _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}


class SpreadsheetImportForm(forms.Form):
    """A subclass declares `file` (its label and help text name its columns) and the fields
    that say where the rows go, and puts them in `field_order`."""

    # The setting that caps the file's size: an import of bigger files (a county's ledger)
    # names its own, and its path's request body limit in GRIDGOV_BODY_LIMITS follows it.
    max_bytes_setting = "GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES"

    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the others; otherwise nothing is written "
                    "while any row has a problem."),
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = getattr(settings, self.max_bytes_setting)
        if upload.size > max_bytes:
            raise forms.ValidationError(too_large_message(max_bytes))
        if not upload.name.lower().endswith(SPREADSHEET_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload
