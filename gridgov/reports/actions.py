"""Every write of the scheduled reports: subscribing a region to its daily, weekly or monthly
report (with who receives it), changing the recipients, ending a subscription. Checked
(capability, area), written in one transaction and audited."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import InvalidInput, NotFound, NotPermitted, field_problem, stored_id
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of, scoped
from gridgov.webhooks.actions import region_in_area

from .choices import Frequency
from .models import ReportSubscription

MAX_RECIPIENTS = 50


def _require(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_PUSHES):
        raise NotPermitted()


def _recipients(values, region, problems) -> list:
    """The users named (by id or user name), each one who may read the region's reports."""
    names = [str(v).strip() for v in values or () if str(v).strip()]
    if len(names) > MAX_RECIPIENTS:
        problems.append(field_problem("recipients", _("At most 50 recipients.")))
        return []
    ids = [stored_id(n) for n in names if n.isdigit()]
    users = get_user_model().objects.filter(is_active=True)
    found = list(users.filter(pk__in=[i for i in ids if i]) | users.filter(username__in=names))
    known = {str(u.pk) for u in found} | {u.username for u in found}
    unknown = [n for n in names if n not in known]
    if unknown:
        problems.append(
            field_problem(
                "recipients", _("Unknown people: %(names)s.") % {"names": ", ".join(unknown[:5])}
            )
        )
    if region is not None:
        outside = [u.username for u in found if not scope_of(u).covers_region(region)]
        if outside:
            problems.append(
                field_problem(
                    "recipients",
                    _("These people may not read this region's reports: %(names)s.")
                    % {"names": ", ".join(outside[:5])},
                )
            )
    return found


@transaction.atomic
def do_subscribe(region, frequency: str, recipients, *, actor) -> ReportSubscription:
    """Subscribe a region to a report (or change who receives an existing subscription)."""
    _require(actor)
    problems = []
    if frequency not in Frequency.values:
        problems.append(field_problem("frequency", _("Choose daily, weekly or monthly.")))
    place = region_in_area(region, actor, problems)
    people = _recipients(recipients, place, problems)
    if problems:
        raise InvalidInput(_("The report subscription is not complete."), details=problems)
    subscription = (
        ReportSubscription.objects.select_for_update()
        .filter(region=place, frequency=frequency)
        .first()
    )
    created = subscription is None
    if created:
        subscription = ReportSubscription.objects.create(
            region=place, frequency=frequency, created_by=actor
        )
    elif not subscription.is_active:
        subscription.is_active = True
        subscription.save(update_fields=["is_active"])
    subscription.recipients.set(people)
    audit.record(
        "reports.subscription.create" if created else "reports.subscription.change",
        actor=actor,
        target=subscription,
        summary=str(subscription),
        changes={"recipients": sorted(u.pk for u in people)},
    )
    return subscription


@transaction.atomic
def do_unsubscribe(pk, *, actor) -> None:
    """End a subscription; the reports made for it stay."""
    _require(actor)
    rows = scoped(ReportSubscription.objects.select_for_update(of=("self",)), actor)
    subscription = rows.filter(pk=stored_id(pk) or 0).first()
    if subscription is None:
        raise NotFound(_("No such report subscription in your area."))
    subscription.is_active = False
    subscription.save(update_fields=["is_active"])
    audit.record(
        "reports.subscription.end", actor=actor, target=subscription, summary=str(subscription)
    )
