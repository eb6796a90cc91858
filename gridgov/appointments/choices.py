from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    COUNSELLOR = "counsellor", _("counsellor")
    PEER = "peer", _("peer talkers")
    ROOM = "room", _("room")
    DESK = "desk", _("service desk")


class WhoMayBook(models.TextChoices):
    ANYONE = "anyone", _("anyone")
    RESIDENTS = "residents", _("residents of an area")
    MEMBERS = "members", _("students of an organisation")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")


class BookingChannel(models.TextChoices):
    PUBLIC = "public", _("public page")
    STAFF = "staff", _("by staff")
    WALK_IN = "walk_in", _("walk-in")


# The bookings that hold their slot: a cancelled one frees it.
HOLDING = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


# Monday 0 … Sunday 6, as WeeklyHours counts them.
WEEKDAY_NAMES = (
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
    _("Sunday"),
)  # fmt: skip
