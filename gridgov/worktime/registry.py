"""What the working-day calendar brings to the platform: the demo's public holidays.

Read once at start-up (`gridgov.core.apps`).
"""

from gridgov.core.registry import DemoStep, register_demo

from .actions import import_holiday_file
from .holidays import HOLIDAYS_CN

# Before the events: their deadlines are counted in working days.
register_demo(DemoStep("holidays", lambda demo: import_holiday_file(HOLIDAYS_CN, actor=demo.actor)))
