"""My messages: what the closed loop told me (assigned to my unit, returned, closed…)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.accounts.authentication import session_or_bearer
from gridgov.org.scoping import scoped

from .actions import do_mark_notifications_read
from .attachments import PHOTO_HOLDERS
from .engine import WORKFLOWS
from .models import Attachment, Notification


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


@session_or_bearer  # phones read the photos of API answers with their token
def photo(request, pk):
    """A photo of a step, for people who may see an item it belongs to (and its uploader), or of
    another row that holds photos (`attachments.register_photo_holder`), for whoever may see it.

    Photos are evidence about people's homes and shops: they are never served as public files.
    """
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not _may_see(request.user, attachment):
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _may_see(user, attachment) -> bool:
    if attachment.uploaded_by_id == user.pk:
        return True
    for flow in WORKFLOWS.values():
        items = flow.timeline_model.objects.filter(attachments=attachment).values("item_id")
        if scoped(flow.model.objects.filter(pk__in=items), user).exists():
            return True
    return any(
        scoped(model.objects.filter(**{field: attachment}), user).exists()
        for model, field in PHOTO_HOLDERS
    )
