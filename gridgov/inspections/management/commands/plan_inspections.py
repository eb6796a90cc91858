import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.inspections.planning import REASON_LABELS, do_confirm_plan, do_propose_plan
from gridgov.regions.models import Region


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from None


class Command(ActionCommand):
    help = (
        "综合查一次: plan the pending inspection needs of an area and period as joint visits; "
        "prints the plan, and with --confirm turns it into inspection tasks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="Region code (a town, county or city)")
        parser.add_argument("--from", dest="start", required=True, type=_day)
        parser.add_argument("--to", dest="end", required=True, type=_day)
        parser.add_argument("--confirm", action="store_true", help="Create the inspection tasks")

    def handle(self, *args, area, start, end, confirm, **options):
        region = Region.objects.filter(code=area).first()
        if region is None:
            raise CommandError(f"No region with code {area}.")
        plan = do_propose_plan(region, start, end, actor=self.actor)
        summary = plan.summary
        self.stdout.write(
            _(
                "Plan #%(pk)d for %(area)s, %(start)s–%(end)s: %(needs)d needs → %(visits)d "
                "visits (without merging %(visits_without_merging)d, lower bound "
                "%(lower_bound)d); %(unplanned)d needs not planned."
            )
            % {"pk": plan.pk, "area": region.name, "start": start, "end": end, **summary}
        )
        reasons = {}
        for left in plan.unplanned:
            reasons[left["reason"]] = reasons.get(left["reason"], 0) + 1
        for reason, n in sorted(reasons.items()):
            self.stdout.write(
                "  "
                + _("not planned, %(reason)s: %(n)d")
                % {"reason": REASON_LABELS.get(reason, reason), "n": n}
            )
        if confirm:
            outcome = do_confirm_plan(plan.pk, actor=self.actor)
            self.stdout.write(
                _("Created %(created)d inspection tasks; %(skipped)d visits skipped.")
                % {"created": len(outcome["created"]), "skipped": len(outcome["skipped"])}
            )
