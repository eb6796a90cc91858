"""The command centre's side of the public feed: publishing an internal event, or taking an
event out of the feed, from the event's page and through the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gridgov.core.errors import GridGovError
from gridgov.events.selectors import event_for

from .actions import do_publish_event, do_unpublish_event


@login_required
@require_POST
def publication(request, number):
    event = event_for(request.user, number)
    try:
        if request.POST.get("publish") == "1":
            do_publish_event(event, actor=request.user)
            messages.success(request, _("%(number)s is in the public feed.") % {"number": number})
        else:
            do_unpublish_event(event, actor=request.user)
            messages.success(
                request, _("%(number)s is out of the public feed.") % {"number": number}
            )
    except GridGovError as error:
        messages.error(request, str(error.message))
    return redirect(event.get_absolute_url())


class PublicationView(APIView):
    """POST: show the event in the public feed (Open311) — its title, category, status and
    place, never who reported it or what staff wrote. DELETE: take it out. Dispatchers and
    administrators, for the events of their area; audited."""

    @extend_schema(request=None, responses={201: dict, 403: dict, 404: dict})
    def post(self, request, number):
        made = do_publish_event(event_for(request.user, number), actor=request.user)
        body = {"event": number, "channel": made.channel, "published_at": made.published_at}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, 403: dict, 404: dict})
    def delete(self, request, number):
        do_unpublish_event(event_for(request.user, number), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
