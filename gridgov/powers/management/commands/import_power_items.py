from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gridgov.core.jobs import problem_location
from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.powers.actions import import_power_item_file
from gridgov.powers.selectors import jurisdiction_named


class Command(ActionCommand):
    help = (
        "Import a power-item catalogue file (.xlsx or .csv; columns 事项编码, 事项名称, 事项类型, "
        "实施部门, 设定依据, 状态, 生效日期, 文号) into a county's or city's catalogue. Nothing is "
        "written while any row has a problem, unless --skip-bad-rows. Running it twice changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--jurisdiction", required=True, help="county or city code, e.g. 330402"
        )
        parser.add_argument("--skip-bad-rows", action="store_true")

    def handle(self, *args, path, jurisdiction, skip_bad_rows, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        summary = import_power_item_file(
            file.read_bytes(),
            file.name,
            jurisdiction=jurisdiction_named(jurisdiction),
            actor=self.actor,
            skip_bad_rows=skip_bad_rows,
        )
        problems = summary.pop("problems")
        for problem in problems:
            self.stderr.write(
                "  "
                + _("skipped %(where)s: %(reason)s")
                % {"where": problem_location(problem), "reason": problem["reason"]}
            )
        self.stdout.write(self.style.SUCCESS(summary_text(summary)))
