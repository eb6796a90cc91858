"""What every spreadsheet import's upload form shares: the file's checks and the choice to
skip bad rows. An area's form adds its own fields (where to import) and the file's label."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB.") % {
        "mb": settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES // 2**20
    }


class SpreadsheetImportForm(forms.Form):
    """A subclass declares `file` (its label and help text name its columns) and the fields
    that say where the rows go, and puts them in `field_order`."""

    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_("Import the good rows and list the others; otherwise nothing is written "
                    "while any row has a problem."),
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        if not upload.name.lower().endswith(SPREADSHEET_SUFFIXES):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload
