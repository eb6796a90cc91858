from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("grid worker")
    MICROGRID_LEADER = "microgrid_leader", _("micro-grid leader")
    DISPATCHER = "dispatcher", _("dispatcher")
    OFFICER = "officer", _("officer")
    SUPERVISOR = "supervisor", _("supervisor")
    LEADER = "leader", _("leader")
    ADMIN = "admin", _("administrator")
    # Not a person: a sensor gateway or another system that feeds signals through the API.
    INTEGRATION = "integration", _("data feed account")


class DepartmentKind(models.TextChoices):
    COMMAND_CENTRE = "command_centre", _("command centre")
    COMPREHENSIVE_ENFORCEMENT = (
        "comprehensive_enforcement",
        _("comprehensive administrative enforcement"),
    )
    MARKET_REGULATION = "market_regulation", _("market regulation")
    ECOLOGY = "ecology", _("ecology and environment")
    CULTURE_MARKET = "culture_market", _("cultural market")
    AGRICULTURE = "agriculture", _("agriculture and rural affairs")
    EMERGENCY = "emergency", _("emergency management")
    HEALTH = "health", _("health")
    PUBLIC_SECURITY = "public_security", _("public security")
    HOUSING = "housing", _("housing and construction")
    NATURAL_RESOURCES = "natural_resources", _("natural resources and planning")
    TRANSPORT = "transport", _("transport")
    WATER = "water", _("water resources")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    EDUCATION = "education", _("education")
    COMMERCE = "commerce", _("commerce")
    URBAN_MANAGEMENT = "urban_management", _("urban management")
    DISCIPLINE = "discipline", _("discipline inspection")
    OTHER = "other", _("other")


class Capability(models.TextChoices):
    """What a role may do. Checked by `gridgov.org.roles.has_capability`."""

    VIEW_REGIONS = "view_regions", _("view regions and grids")
    MANAGE_REGIONS = "manage_regions", _("import and edit regions and grids")
    VIEW_STAFF = "view_staff", _("view the staff directory")
    MANAGE_STAFF = "manage_staff", _("manage departments, staff, posts and logins")
    REVEAL_PII = "reveal_pii", _("reveal personal information")
    VIEW_KPI = "view_kpi", _("view statistics")
    MANAGE_POWERS = "manage_powers", _("import and transfer power items")
    PLAN_INSPECTIONS = "plan_inspections", _("create, plan and assign inspections")
    MANAGE_SCENARIOS = "manage_scenarios", _("define inspection scenarios and targets")
    FEED_SIGNALS = "feed_signals", _("feed warning signals (sensors, other systems)")
    MANAGE_WARNING_RULES = "manage_warning_rules", _("define warning rules and signal sources")
    REVIEW_REVEALS = "review_reveals", _("review the reveals of personal information")
    VIEW_CAMPAIGNS = "view_campaigns", _("view campaign boards")
    MANAGE_CAMPAIGNS = "manage_campaigns", _("set up campaigns, import their items, move any item")
    MANAGE_DUTY = "manage_duty", _("enter duty posts and shifts, look for overwork")
    MANAGE_DUTY_POLICY = "manage_duty_policy", _("set the county's duty policy")
    MANAGE_SERVICES = "manage_services", _("configure resident services and appointments")
    MANAGE_EVALUATION = "manage_evaluation", _("set up indicator sets, evaluate and publish months")
    MANAGE_PUSHES = "manage_pushes", _("subscribe to scheduled reports and webhooks")


class RevealPurpose(models.TextChoices):
    """Why someone asks to see personal information in full (PIPL: kept with the audit row)."""

    CONTACT = "contact", _("to contact the person about this matter")
    VERIFY = "verify", _("to verify the person's identity")
    LAWFUL_REQUEST = "lawful_request", _("a request from an authority under the law")
    OTHER = "other", _("other (say why)")
