from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .jobs import problem_location
from .models import Job
from .registry import scoped, workbench
from .summaries import labelled


@login_required
def home(request):
    """The workbench: who I am, what waits for me and what is in my area — each app's tiles."""
    tiles, figures = workbench(request.user)
    return render(request, "core/home.html", {"tiles": tiles, **figures})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(scoped(Job.objects.all(), request.user), pk=pk)
    problems = [(problem_location(p), p.get("reason", "")) for p in job.problems]
    summary = labelled(job.summary)
    return render(request, "core/job.html", {"job": job, "problems": problems, "summary": summary})
