from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    """A town's supervision group, or a village squad under one."""

    GROUP = "group", _("supervision group")
    SQUAD = "squad", _("village supervision squad")


class PostMode(models.TextChoices):
    """How a supervision post (监督哨) watches: on site, online, or both around the clock."""

    OFFLINE = "offline", _("on site")
    ONLINE = "online", _("online")
    BOTH = "both", _("on site and online, 24 h")


class PostKind(models.TextChoices):
    PLACE = "place", _("at a place")
    UNIT = "unit", _("at a unit")


class FindingKind(models.TextChoices):
    """What a finding is about; recurrence counts a unit found again for the same kind."""

    DUTY = "duty", _("duties not fulfilled")
    WORK_STYLE = "work_style", _("work style")
    FUNDS = "funds", _("use of funds")
    SERVICE = "service", _("service to the public")
    SAFETY = "safety", _("safety measures")
    PREVENTION = "prevention", _("prevention measures at checkpoints")
    OTHER = "other", _("other")


class FindingStatus(models.TextChoices):
    FOUND = "found", _("found")
    ASSIGNED = "assigned", _("being rectified")
    RECTIFIED = "rectified", _("rectified")
    IMPROVED = "improved", _("measures improved")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    DISMISSED = "dismissed", _("dismissed")


class FindingStep(models.TextChoices):
    ASSIGN = "assign", _("assign")
    RECTIFY = "rectify", _("rectify")
    IMPROVE = "improve", _("improve the measures")
    VERIFY = "verify", _("verify")
    CLOSE = "close", _("close")


class FindingOrigin(models.TextChoices):
    SUPERVISION = "supervision", _("supervision on site")
    SUGGESTION = "suggestion", _("a suggestion")
    FUND_RULE = "fund_rule", _("a fund anomaly rule")
    CHECK = "check", _("a special check")


class SuggestionSource(models.TextChoices):
    PUBLIC = "public", _("the public")
    UNIT = "unit", _("a unit")


class SuggestionChannel(models.TextChoices):
    PUBLIC_PAGE = "public_page", _("public page")
    STAFF = "staff", _("recorded by staff")


class FundRule(models.TextChoices):
    """The anomaly rules of project fund supervision."""

    OVER_LINE = "over_line", _("paid beyond a budget line")
    OVER_PROGRESS = "over_progress", _("paid beyond the progress")
    UNKNOWN_PAYEE = "unknown_payee", _("payee not a contracted party")
    SPLIT = "split", _("split payments just under the threshold")
    IDLE = "idle", _("funds idle too long")


class CheckKind(models.TextChoices):
    SPECIAL = "special", _("special check")
    ROUTINE = "routine", _("routine check")
