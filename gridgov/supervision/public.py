"""The public page of a supervision post (no account needed): anyone — a villager, a firm, a
unit — leaves a suggestion (建议) there. Counted per address before anything else happens."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.errors import GridGovError, NotFound
from gridgov.workflow.engine import PublicActor

from .actions import do_record_suggestion
from .api import PUBLIC_LABEL, count_public_suggestion, open_post
from .choices import SuggestionSource

SESSION_KEY = "suggestion_submitted"


@require_http_methods(["GET", "POST"])
def suggest(request, pk):
    try:
        post = open_post(pk)
    except NotFound:
        return render(request, "supervision/public_closed.html", status=404)
    context = {"post": post, "sources": SuggestionSource.choices, "values": {}}
    if request.method == "POST":
        try:
            count_public_suggestion(request)
            do_record_suggestion(
                post,
                text=request.POST.get("text", ""),
                actor=PublicActor(PUBLIC_LABEL),
                source=request.POST.get("source") or SuggestionSource.PUBLIC,
                name=request.POST.get("name", ""),
                unit_name=request.POST.get("unit_name", ""),
                phone=request.POST.get("phone", ""),
            )
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(
                request, "supervision/public_suggest.html", context, status=error.status_code
            )
        request.session[SESSION_KEY] = post.name
        return redirect("supervision_public:done")
    return render(request, "supervision/public_suggest.html", context)


@require_GET
def done(request):
    name = request.session.pop(SESSION_KEY, None)
    if name is None:
        return redirect("/")
    return render(request, "supervision/public_done.html", {"post_name": name})
