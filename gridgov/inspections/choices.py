from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """What an inspection visits (检查对象)."""

    ENTERPRISE = "enterprise", _("enterprise")
    SHOP = "shop", _("shop")
    RESTAURANT = "restaurant", _("restaurant")
    SCHOOL = "school", _("school")
    CONSTRUCTION_SITE = "construction_site", _("construction site")
    MARKET = "market", _("market")
    HOTEL = "hotel", _("hotel")
    VENUE = "venue", _("entertainment venue")
    OTHER = "other", _("other place")


class Trigger(models.TextChoices):
    """Why an inspection happens; the seed's KPI is the share triggered by warnings (47.05%)."""

    PLAN = "plan", _("inspection plan")
    EVENT = "event", _("event")
    WARNING = "warning", _("early warning")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("to be assigned")
    ASSIGNED = "assigned", _("assigned")
    INSPECTING = "inspecting", _("being inspected")
    INSPECTED = "inspected", _("inspected")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class InspectionStep(models.TextChoices):
    ASSIGN = "assign", _("assign")
    INSPECT = "inspect", _("inspect")
    REVIEW = "review", _("review")


class Outcome(models.TextChoices):
    PASS = "pass", _("pass")
    FAIL = "fail", _("fail")
    NOT_APPLICABLE = "na", _("not applicable")


class FollowUp(models.TextChoices):
    """What a failed checklist item leads to."""

    NONE = "", _("no follow-up")
    RECTIFY = "rectify", _("rectification order")
    CASE = "case", _("enforcement case")


class RectificationStatus(models.TextChoices):
    ISSUED = "issued", _("issued")
    RECTIFIED = "rectified", _("reported rectified")
    PASSED = "passed", _("re-inspection passed")
    ESCALATED = "escalated", _("turned into a case")


class RectificationStep(models.TextChoices):
    RECTIFY = "rectify", _("rectify")
    REINSPECT = "reinspect", _("re-inspect")


class CaseStatus(models.TextChoices):
    FILED = "filed", _("filed")
    INVESTIGATING = "investigating", _("under investigation")
    DECIDED = "decided", _("decided")
    CLOSED = "closed", _("closed")
    DISMISSED = "dismissed", _("dismissed")


class CaseStep(models.TextChoices):
    INVESTIGATE = "investigate", _("investigate")
    DECIDE = "decide", _("decide")


class NeedStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PLANNED = "planned", _("planned")
    CANCELLED = "cancelled", _("cancelled")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    CONFIRMED = "confirmed", _("confirmed")
    DISCARDED = "discarded", _("discarded")
