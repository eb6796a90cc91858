"""What appointments bring to the platform: the demo's counselling service and service desk,
the duty manager's board in the navigation, and the reminders every ten minutes.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    ANY_CAPABILITY,
    DemoStep,
    NavEntry,
    register_demo,
    register_job,
    register_navigation,
)

from . import (
    cockpit,  # noqa: F401 - its cockpit tile
    jobs,  # noqa: F401 - registers the reminders task
)
from .demo import load_demo_appointments

# The town's staff and dispatchers come first: the counsellors join them.
register_demo(
    DemoStep(
        "appointments",
        lambda demo: load_demo_appointments(seed=demo.seed, actor=demo.actor),
        after=("org",),
    )
)
register_navigation(NavEntry(_("Appointments"), "appointments:board", 55, requires=ANY_CAPABILITY))
register_job("gridgov.appointments.jobs.remind_bookings", 600)
