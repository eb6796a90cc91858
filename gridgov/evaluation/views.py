"""The evaluation's pages: the sets, a month's ranking with the change since last month, a
unit's score explained indicator by indicator, the corrections of late data, the export; for
managers, evaluating a month, publishing it and importing indicators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import Period
from gridgov.core.errors import GridGovError, NotFound
from gridgov.core.exports import XLSX, table_response
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability

from . import actions, selectors
from .forms import IndicatorUploadForm
from .setfile import COLUMNS, import_indicator_file

PAGE_SIZE = 50


def _may_manage(user) -> bool:
    return has_capability(user, Capability.MANAGE_EVALUATION)


def _not_found(request):
    return render(request, "404.html", status=404)


@capability_required(Capability.VIEW_KPI)
def home(request):
    page = Paginator(selectors.sets_for(request.user).order_by("code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "evaluation/home.html", {"page": page})


@capability_required(Capability.VIEW_KPI)
def indicator_set(request, code):
    try:
        found = selectors.set_for(request.user, code)
    except NotFound:
        return _not_found(request)
    months = Paginator(selectors.evaluations_of(found), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "set": found,
        "indicators": found.indicators.all(),
        "page": months,
        "may_manage": _may_manage(request.user),
        "this_month": Period.month(timezone.localdate()),
    }
    return render(request, "evaluation/set.html", context)


@require_POST
@capability_required(Capability.MANAGE_EVALUATION)
def evaluate(request, code):
    try:
        found = selectors.set_for(request.user, code)
        month = selectors.month_of(request.POST.get("month"))
        evaluation = actions.do_evaluate_month(found, month, actor=request.user)
    except NotFound:
        return _not_found(request)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("evaluation:set", code=code)
    messages.success(request, _("The month was evaluated (a draft)."))
    return redirect(evaluation.get_absolute_url())


def _evaluation(request, code, month):
    return selectors.evaluation_for(request.user, code, selectors.month_of(month))


@capability_required(Capability.VIEW_KPI)
def ranking(request, code, month):
    try:
        evaluation = _evaluation(request, code, month)
    except (NotFound, GridGovError):
        return _not_found(request)
    page = Paginator(selectors.ranking_of(evaluation), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "evaluation": evaluation,
        "set": evaluation.indicator_set,
        "page": page,
        "corrections": selectors.corrections_of(evaluation),
        "may_manage": _may_manage(request.user),
    }
    return render(request, "evaluation/ranking.html", context)


@require_POST
@capability_required(Capability.MANAGE_EVALUATION)
def publish(request, code, month):
    try:
        evaluation = _evaluation(request, code, month)
        actions.do_publish_evaluation(evaluation, actor=request.user)
        messages.success(request, _("The month is published; it no longer changes."))
    except NotFound:
        return _not_found(request)
    except GridGovError as error:
        messages.error(request, error.message)
    return redirect("evaluation:ranking", code=code, month=month)


@capability_required(Capability.VIEW_KPI)
def unit(request, code, month, unit_code):
    try:
        evaluation = _evaluation(request, code, month)
        score = selectors.score_for(evaluation, unit_code)
    except (NotFound, GridGovError):
        return _not_found(request)
    context = {
        "evaluation": evaluation,
        "set": evaluation.indicator_set,
        "score": score,
        "rows": selectors.explained(evaluation, score),
        "corrections": selectors.corrections_of(evaluation).filter(unit_id=score.unit_id),
    }
    return render(request, "evaluation/unit.html", context)


def export_rows(evaluation):
    """The ranking as a table: one row per unit, its total, rank and change, then each
    indicator's rate and points."""
    indicators = evaluation.indicators
    header = [_("Rank"), _("Unit"), _("Score"), _("Last month's rank"), _("Change in score")]
    for indicator in indicators:
        header += [f"{indicator['name']} (%)", f"{indicator['name']} {_('points')}"]
    rows = []
    for score in selectors.ranking_of(evaluation):
        by_code = {m["code"]: m for m in score.measures}
        row = [score.rank, score.unit_name, score.total, score.previous_rank, score.total_change]
        for indicator in indicators:
            measure = by_code.get(indicator["code"], {})
            row += [measure.get("value"), measure.get("points")]
        rows.append(row)
    return header, rows


@capability_required(Capability.VIEW_KPI)
def export(request, code, month):
    try:
        evaluation = _evaluation(request, code, month)
    except (NotFound, GridGovError):
        return _not_found(request)
    header, rows = export_rows(evaluation)
    name = f"{evaluation.indicator_set.name}-{evaluation.period_text}"
    return table_response(XLSX, name, header, rows, title=evaluation.period_text)


@capability_required(Capability.MANAGE_EVALUATION)
def import_indicators(request, code):
    try:
        found = selectors.set_for(request.user, code)
    except NotFound:
        return _not_found(request)
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    context = {"set": found, "form": form, "columns": COLUMNS, "problems": []}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                done = import_indicator_file(found, upload.read(), upload.name, actor=request.user)
            except GridGovError as error:
                context.update(error=error.message, problems=error.details)
                status = 400
            else:
                messages.success(
                    request,
                    _("%(created)d indicators added, %(updated)d changed.") % done,
                )
                return redirect("evaluation:set", code=code)
        else:
            status = 400
    return render(request, "evaluation/import.html", context, status=status)
