from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm


class ShiftUploadForm(SpreadsheetImportForm):
    area = forms.ChoiceField(label=_("Area"))
    file = forms.FileField(
        label=_("Shift file"),
        help_text=_("Excel (.xlsx) or CSV with the columns 点位编码, 姓名, 工号, 手机号, 开始时间, "
                    "结束时间 (e.g. 2026-03-10 08:00, Beijing time)."),
    )  # fmt: skip
    field_order = ["area", "file", "skip_bad_rows"]

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
