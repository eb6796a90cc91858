import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm
from gridgov.org.models import Department

from .models import PowerItem
from .selectors import departments_of

CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


def jurisdiction_choices(jurisdictions) -> list[tuple[str, str]]:
    return [(j.code, j.name) for j in jurisdictions]


class CatalogueUploadForm(SpreadsheetImportForm):
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"))
    file = forms.FileField(
        label=_("Catalogue file"),
        help_text=_("Excel (.xlsx) or CSV with the columns 事项编码, 事项名称, 事项类型, 实施部门, "
                    "设定依据, 状态, 生效日期, 文号."),
    )  # fmt: skip
    field_order = ["jurisdiction", "file", "skip_bad_rows"]

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].choices = jurisdiction_choices(jurisdictions)


class TransferForm(forms.Form):
    """Items of one jurisdiction, by code, to one of its units from a date."""

    items = forms.CharField(
        label=_("Item codes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One or more codes, separated by spaces, commas or new lines."),
    )
    to_department = forms.ModelChoiceField(label=_("To unit"), queryset=Department.objects.none())
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document_number = forms.CharField(label=_("Document number"), max_length=64)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, jurisdiction, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        self.fields["to_department"].queryset = departments_of(jurisdiction).select_related(
            "region"
        )

    def clean_items(self):
        codes = [c for c in CODE_SEPARATORS.split(self.cleaned_data["items"]) if c]
        items = list(PowerItem.objects.filter(jurisdiction=self.jurisdiction, code__in=codes))
        unknown = sorted(set(codes) - {item.code for item in items})
        if unknown:
            raise forms.ValidationError(
                _("Not in this catalogue: %(codes)s") % {"codes": "、".join(unknown[:20])}
            )
        return items
