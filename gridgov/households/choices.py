from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseUse(models.TextChoices):
    """What a house (实有房屋) is used for."""

    OWN_HOME = "own_home", _("own home")
    RENTED = "rented", _("rented out")
    SHOP = "shop", _("shop or business")
    VACANT = "vacant", _("vacant")


class Sex(models.TextChoices):
    """Read from the ID number (its 17th digit), never typed."""

    MALE = "male", _("male")
    FEMALE = "female", _("female")


class ResidenceKind(models.TextChoices):
    """How a person lives here (户籍/流动/境外)."""

    REGISTERED = "registered", _("registered resident")
    FLOATING = "floating", _("floating population")
    OVERSEAS = "overseas", _("overseas person")


class Relation(models.TextChoices):
    """Relation to the head of the household (与户主关系)."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("sibling")
    TENANT = "tenant", _("tenant")
    OTHER = "other", _("other")


class Presence(models.TextChoices):
    """Whether the person lives in the household now. Kept apart from any work-item status:
    it changes only through a move (`gridgov.households.actions`)."""

    PRESENT = "present", _("lives here")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")


class MoveKind(models.TextChoices):
    """A change in who lives in a household; each one is kept (history as of any date)."""

    BIRTH = "birth", _("born")
    MOVE_IN = "move_in", _("moved in")
    MOVE_OUT = "move_out", _("moved out")
    DEATH = "death", _("died")


class Colour(models.TextChoices):
    """Four-colour classes (四色管控), most urgent first."""

    RED = "red", _("red")
    ORANGE = "orange", _("orange")
    YELLOW = "yellow", _("yellow")
    GREEN = "green", _("green")


class ColourSource(models.TextChoices):
    RULE = "rule", _("by rule")
    MANUAL = "manual", _("set by hand")


class CanvassTarget(models.TextChoices):
    """Which households a door-knocking canvass has to reach."""

    ALL = "all", _("every household")
    GROUPS = "groups", _("households with people of some special groups")
    COLOUR = "colour", _("households with people of a colour")


class CanvassStatus(models.TextChoices):
    DRAFT = "draft", _("being prepared")
    RUNNING = "running", _("running")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class CanvassStep(models.TextChoices):
    VISITS = "visits", _("visits")


class CoverageLevel(models.TextChoices):
    """What a cadre is assigned to cover in a canvass (包片、包村、包网格、包点位)."""

    AREA = "area", _("an area (包片)")
    VILLAGE = "village", _("a village (包村)")
    GRID = "grid", _("a grid (包网格)")
    POINT = "point", _("a point (包点位)")


class VisitOutcome(models.TextChoices):
    """How a visit to a household went. Nobody home keeps the household open."""

    VISITED = "visited", _("visited")
    NOBODY_HOME = "nobody_home", _("nobody home")
    REFUSED = "refused", _("refused")


class HouseholdState(models.TextChoices):
    """Where a household stands in a canvass (its coverage row).

    A refusal at the door is a contact: the household was reached (不落一户 counts it, and it
    leaves the proof list) but nobody's answers were given, so none of its people count as
    seen (不漏一人 still lists them)."""

    PENDING = "pending", _("not yet visited")
    NOBODY_HOME = "nobody_home", _("nobody home yet")
    VISITED = "visited", _("visited")
    REFUSED = "refused", _("reached, answers refused")
    EXCUSED = "excused", _("not visited, with a reason")
