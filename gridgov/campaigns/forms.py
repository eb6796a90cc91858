from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm


class ItemUploadForm(SpreadsheetImportForm):
    file = forms.FileField(
        label=_("Items file"),
        help_text=_("Excel (.xlsx) or CSV with the columns listed above; the same codes again "
                    "update the same items."),
    )  # fmt: skip
    field_order = ["file", "skip_bad_rows"]
