from django.db import models
from django.utils.translation import gettext_lazy as _


class PowerKind(models.TextChoices):
    """The kinds of administrative power (权力事项) in Zhejiang's catalogue."""

    LICENSING = "licensing", _("administrative licensing")
    PENALTY = "penalty", _("administrative penalty")
    COERCION = "coercion", _("administrative coercion")
    INSPECTION = "inspection", _("administrative inspection")
    LEVY = "levy", _("administrative levy")
    BENEFIT = "benefit", _("administrative benefit")
    CONFIRMATION = "confirmation", _("administrative confirmation")
    REWARD = "reward", _("administrative reward")
    ADJUDICATION = "adjudication", _("administrative adjudication")
    OTHER = "other", _("other power")


class PowerStatus(models.TextChoices):
    ACTIVE = "active", _("in force")
    SUSPENDED = "suspended", _("suspended")
    REPEALED = "repealed", _("repealed")
