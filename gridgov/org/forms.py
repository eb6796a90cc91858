"""Forms of the organisation pages. They only read input; the actions check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.core.forms import SpreadsheetImportForm

from .choices import DepartmentKind, Role


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=64)
    employee_number = forms.CharField(label=_("Employee number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)


class PostForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.CharField(
        label=_("Posting (region code)"),
        max_length=32,
        help_text=_("e.g. 330402013 for a town, 330402013001001 for a grid"),
    )
    department = forms.CharField(
        label=_("Department code"), max_length=32, required=False, help_text=_("e.g. 330402-ZJJ")
    )


class StaffForm(PersonForm, PostForm):
    pass


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartmentKind.choices)
    region = forms.CharField(label=_("Region code"), max_length=32)
    parent = forms.CharField(label=_("Parent unit code"), max_length=32, required=False)
    is_enforcement = forms.BooleanField(label=_("Enforcement agency"), required=False)


class DepartmentEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartmentKind.choices)
    is_enforcement = forms.BooleanField(label=_("Enforcement agency"), required=False)


class RosterUploadForm(SpreadsheetImportForm):
    area = forms.ChoiceField(label=_("Area"))
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("Excel (.xlsx) or CSV with the columns of the template."),
    )
    field_order = ["area", "file", "skip_bad_rows"]

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
