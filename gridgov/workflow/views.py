"""My messages: what the closed loop told me (assigned to my unit, returned, closed…)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.org.scoping import scoped

from .actions import do_mark_notifications_read
from .models import Notification


@login_required
def notifications(request):
    mine = scoped(Notification.objects.all(), request.user).order_by("-created_at", "-id")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(request, "workflow/notifications.html", {"page": page})


@login_required
@require_POST
def mark_read(request):
    do_mark_notifications_read(request.user)
    return redirect("workflow:notifications")
