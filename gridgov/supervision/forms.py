from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm


class LedgerUploadForm(SpreadsheetImportForm):
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_(
            "Excel (.xlsx) or CSV with the columns 项目编码, 凭证号, 支付日期, 预算科目, "
            "收款方, 收款方信用代码, 金额, 用途."
        ),
    )
    field_order = ["file", "skip_bad_rows"]
