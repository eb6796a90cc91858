from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm


class IndicatorUploadForm(SpreadsheetImportForm):
    # A set has a few indicators: a file is taken whole or not at all.
    skip_bad_rows = None
    file = forms.FileField(
        label=_("Indicator file"),
        help_text=_("Excel (.xlsx) or CSV with the columns 编码, 名称, 来源, 权重, 方向, 评分规则, "
                    "下限, 目标, 分档."),
    )  # fmt: skip
