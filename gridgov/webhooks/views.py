"""Pages of the webhooks: the area's subscriptions and a form to add one (the secret is shown
on the answer to it, once), a subscription's messages with their delivery log, and the
buttons: switch on or off, send a test message, redeliver, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required
from gridgov.regions.models import Region
from gridgov.regions.selectors import home_region_for

from . import actions
from .choices import Format, Topic
from .selectors import attempts_of, message_for, messages_for, subscription_for, subscriptions_for

PAGE_SIZE = 30


def region_choices(user) -> list:
    """The user's own region and the regions just below it: what a subscription is usually
    for (a region code typed in reaches any other of the area)."""
    home = home_region_for(user)
    if home is None:
        return []
    below = Region.objects.filter(parent=home).defer("boundary").order_by("code")[:300]
    return [home, *below]


@capability_required(Capability.MANAGE_PUSHES)
def subscription_list(request):
    user, errors, status = request.user, {}, 200
    if request.method == "POST":
        p = request.POST
        data = actions.SubscriptionData(
            name=p.get("name", ""), url=p.get("url", ""), topics=p.getlist("topics"),
            region=p.get("region_code") or p.get("region", ""),
            format=p.get("format", Format.STANDARD), secret=p.get("secret", ""),
        )  # fmt: skip
        try:
            subscription, secret = actions.do_create_subscription(data, actor=user)
        except GridGovError as error:
            messages.error(request, error.message)
            errors, status = {d.get("field"): d.get("message") for d in error.details}, 400
        else:
            context = {"subscription": subscription, "secret": secret}
            return render(request, "webhooks/created.html", context, status=201)
    page = Paginator(subscriptions_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "topics": Topic.choices,
        "formats": Format.choices,
        "regions": region_choices(user),
        "errors": errors,
        "form": request.POST,
        "chosen": request.POST.getlist("topics"),
    }
    return render(request, "webhooks/list.html", context, status=status)


@capability_required(Capability.MANAGE_PUSHES)
def subscription_detail(request, pk):
    try:
        subscription = subscription_for(request.user, pk)
    except GridGovError:
        return render(request, "404.html", status=404)
    page = Paginator(messages_for(request.user, subscription), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log = attempts_of(request.user, page.object_list)
    rows = [(message, log[message.pk]) for message in page.object_list]
    context = {"subscription": subscription, "page": page, "rows": rows}
    return render(request, "webhooks/detail.html", context)


def _act(request, do, done):
    try:
        result = do()
    except GridGovError as error:
        if error.status_code == 404:
            return None, render(request, "404.html", status=404)
        messages.error(request, error.message)
        return None, None
    messages.success(request, done)
    return result, None


@require_POST
@capability_required(Capability.MANAGE_PUSHES)
def switch(request, pk):
    active = request.POST.get("active") == "1"
    done = _("Webhook switched on.") if active else _("Webhook switched off.")
    _result, refused = _act(
        request, lambda: actions.do_set_active(pk, active, actor=request.user), done
    )
    return refused or redirect("webhooks:detail", pk=pk)


@require_POST
@capability_required(Capability.MANAGE_PUSHES)
def send_test(request, pk):
    done = _("A test message is on its way.")
    _result, refused = _act(request, lambda: actions.do_send_test(pk, actor=request.user), done)
    return refused or redirect("webhooks:detail", pk=pk)


@require_POST
@capability_required(Capability.MANAGE_PUSHES)
def redeliver(request, pk):
    try:
        subscription_pk = message_for(request.user, pk).subscription_id
    except GridGovError:
        return render(request, "404.html", status=404)
    done = _("The message will be sent again.")
    _result, refused = _act(request, lambda: actions.do_redeliver(pk, actor=request.user), done)
    return refused or redirect("webhooks:detail", pk=subscription_pk)


@require_POST
@capability_required(Capability.MANAGE_PUSHES)
def delete(request, pk):
    done = _("Webhook deleted.")
    _result, refused = _act(
        request, lambda: actions.do_delete_subscription(pk, actor=request.user), done
    )
    return refused or redirect("webhooks:list")
