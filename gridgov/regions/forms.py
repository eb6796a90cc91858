from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .boundaries import DEFAULT_OVERLAP_TOLERANCE_M2
from .choices import CRS


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("Features with code, name and, for new grids and micro-grids, parent_code."),
    )
    crs = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=[
            (CRS.GCJ02, _("GCJ-02 (drawn on 高德 or 腾讯 maps)")),
            (CRS.WGS84, _("WGS84 (GPS, 天地图, OpenStreetMap)")),
        ],
    )
    overlap_tolerance_m2 = forms.FloatField(
        label=_("Overlap tolerance (m²)"),
        initial=DEFAULT_OVERLAP_TOLERANCE_M2,
        min_value=0,
        max_value=10_000,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        if not upload.name.lower().endswith((".geojson", ".json")):
            raise forms.ValidationError(_("Upload a .geojson or .json file."))
        return upload


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB.") % {
        "mb": settings.GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES // 2**20
    }
