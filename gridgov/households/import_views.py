"""Pages of the ledger files: import (upload, then follow the job), the report of a job's
problems, the template, and the export of an area's residents (masked)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import NotFound, stored_id
from gridgov.core.exports import FORMATS, streaming_table_response, table_response
from gridgov.core.forms import SpreadsheetImportForm
from gridgov.core.jobs import do_submit_job, problem_location
from gridgov.core.models import Job
from gridgov.core.summaries import labelled
from gridgov.org.scoping import scope_of, scoped
from gridgov.regions.choices import RegionLevel
from gridgov.regions.selectors import home_region_for, region_for

from .ledger_export import export_rows, residents_of
from .ledger_import import COLUMNS, IMPORT_LEDGER, NOTES, template_rows

REPORT_COLUMNS = ["行", "列", "原因"]


class LedgerUploadForm(SpreadsheetImportForm):
    area = forms.ChoiceField(label=_("Area"))
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_("Excel (.xlsx) or CSV with the columns of the template, one row a resident."),
    )
    field_order = ["area", "file", "skip_bad_rows"]
    # A county's ledger of a million residents is a workbook of some 60 MB.
    max_bytes_setting = "GRIDGOV_MAX_LEDGER_UPLOAD_BYTES"

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]


def import_areas(user) -> list:
    """Where the user may import: their own area, and its villages and grids."""
    home = home_region_for(user)
    if home is None:
        return []
    inside = scoped(
        home.__class__.objects.filter(
            **{home.level: home}, level__in=(RegionLevel.VILLAGE, RegionLevel.GRID)
        ).exclude(pk=home.pk),
        user,
    )
    return [home, *inside.only("code", "name").order_by("code")]


def _fmt(request) -> str:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    return fmt


@login_required
def ledger_import(request):
    areas = import_areas(request.user)
    if not areas:
        raise Http404
    form = LedgerUploadForm(
        request.POST or None, request.FILES or None, areas=areas, initial={"area": areas[0].code}
    )
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_LEDGER,
            actor=request.user,
            params={
                "area": form.cleaned_data["area"],
                "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("households-import:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_LEDGER, created_by=request.user), request.user)
    context = {
        "form": form,
        "recent": recent[:10],
        "columns": COLUMNS,
        "formats": FORMATS,
        "job_url": "households-import:job",
        "export_area": areas[0],
    }
    status = 400 if form.errors else 200
    return render(request, "households/import_ledger.html", context, status=status)


def _job(request, pk) -> Job:
    jobs = scoped(Job.objects.filter(kind=IMPORT_LEDGER), request.user)
    return get_object_or_404(jobs, pk=stored_id(pk) or 0)


@login_required
def ledger_job(request, pk):
    """The import's progress while it runs, then what it did and the rows it refused."""
    job = _job(request, pk)
    context = {
        "job": job,
        "problems": [(problem_location(p), p.get("reason", "")) for p in job.problems],
        "summary": labelled(job.summary),
        "formats": FORMATS,
    }
    return render(request, "households/import_job.html", context)


@login_required
def ledger_report(request, pk):
    """The rows a job refused, as a table to fix the file by: row, column, reason."""
    job = _job(request, pk)
    rows = ([p.get("row") or "", p.get("column", ""), p.get("reason", "")] for p in job.problems)
    return table_response(_fmt(request), f"台账导入问题-{job.pk}", REPORT_COLUMNS, rows,
                          title="问题")  # fmt: skip


@login_required
def ledger_template(request):
    fmt = _fmt(request)
    if fmt == "csv":
        return table_response(fmt, "台账模板", COLUMNS, template_rows())
    return streaming_table_response(
        fmt, "台账模板", COLUMNS, template_rows(), title="台账",
        more=[("说明", NOTES[0], NOTES[1:])],
    )  # fmt: skip


@login_required
def ledger_export(request):
    """An area's residents, masked, streamed: ?region=<code>&format=xlsx|csv."""
    fmt = _fmt(request)
    code = request.GET.get("region", "")
    area = region_for(request.user, code) if code else home_region_for(request.user)
    if area is None or not scope_of(request.user).covers_region(area):
        raise NotFound(_("No region %(code)s in your area.") % {"code": code})
    rows = export_rows(residents_of(area, request.user))
    return streaming_table_response(fmt, f"{area.name}实有人口", COLUMNS, rows, title="实有人口")
