from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from gridgov.events.selectors import workload
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.inspections.selectors import inspection_workload
from gridgov.org.models import Staff
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped
from gridgov.regions.choices import RegionLevel
from gridgov.regions.selectors import home_region_for, regions_for

from .jobs import problem_location
from .models import Job
from .summaries import labelled


@login_required
def home(request):
    """The workbench: who I am, where I work, and what is in my area."""
    user = request.user
    counts = regions_for(user).aggregate(
        villages=Count("pk", filter=Q(level=RegionLevel.VILLAGE)),
        grids=Count("pk", filter=Q(level=RegionLevel.GRID)),
        microgrids=Count("pk", filter=Q(level=RegionLevel.MICROGRID)),
    )
    counts["staff"] = scoped(Staff.objects.filter(is_active=True), user).count()
    return render(
        request,
        "core/home.html",
        {
            "staff": post_of(user),
            "home_region": home_region_for(user),
            "counts": counts,
            "work": workload(user),
            "may_report": EVENT_WORKFLOW.role_of(user) in EVENT_WORKFLOW.transition("report").roles,
            "inspections": inspection_workload(user),
        },
    )


@login_required
def job_detail(request, pk):
    job = get_object_or_404(scoped(Job.objects.all(), request.user), pk=pk)
    problems = [(problem_location(p), p.get("reason", "")) for p in job.problems]
    summary = labelled(job.summary)
    return render(request, "core/job.html", {"job": job, "problems": problems, "summary": summary})
