"""What every kind of work item shares: the engine's fields (`WorkItem`), photos,
notifications and the timeline's row shape.

Each kind (events, inspection tasks, rectification orders…) keeps its own timeline table, built
from `TimelineEntry`, so its history is indexed and partitioned with the items it describes.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule


class Urgency(models.TextChoices):
    """How a deadline looks now: green, yellow before it, red after it."""

    GREEN = "green", _("on time")
    YELLOW = "yellow", _("due soon")
    RED = "red", _("overdue")


class WorkItem(models.Model):
    """A closed-loop work item: the fields `Workflow.perform` owns, and nothing else sets.

    A kind re-declares `status` and `step` with its own choices; its table
    (`gridgov.workflow.engine.Workflow`) says which states there are and which end the loop.
    """

    status = models.CharField(_("status"), max_length=16)
    version = models.PositiveIntegerField(_("version"), default=0)
    # The running deadline: the step being timed, yellow from warn_at, overdue after due_at.
    step = models.CharField(_("timed step"), max_length=16, blank=True)
    warn_at = models.DateTimeField(_("due soon from"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    late = models.BooleanField(_("ever overdue"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def urgency_of(item, now=None) -> str:
    """Red once a work item's deadline has passed (or it ever ran late), yellow from its
    warning time, green before; empty when no step is timed."""
    now = now or timezone.now()
    if item.due_at is None:
        return ""
    if now > item.due_at or item.late:
        return Urgency.RED
    if item.warn_at is not None and now >= item.warn_at:
        return Urgency.YELLOW
    return Urgency.GREEN


def history_of(item) -> list:
    """An item's timeline, oldest step first, with its photos and who took each step as
    people know them (`by_name`, `by_unit`): the pages and the API show these."""
    return with_people(item.timeline.prefetch_related("attachments").order_by("seq"))


def with_people(entries) -> list:
    """Timeline rows with the name and unit of whoever took each step — a staff member's name
    and department (or the region they are posted to), not a login name; a worker's or a
    public channel's label as it is. One query for all the rows."""
    from gridgov.org.models import Staff

    entries = list(entries)
    users = {e.actor_id for e in entries if e.actor_id}
    posts = {}
    if users:
        staff = Staff.objects.filter(user_id__in=users).select_related("department", "region")
        posts = {s.user_id: s for s in staff.only("user_id", "name", "department__name",
                                                  "region__name")}  # fmt: skip
    for entry in entries:
        post = posts.get(entry.actor_id)
        entry.by_name = post.name if post else entry.actor_label
        entry.by_unit = "" if post is None else (post.department or post.region).name
    return entries


class Attachment(models.Model):
    """A photo taken as evidence: at a report, at handling, at verification.

    Files are checked by content, not by name (see `attachments.check_photo`), re-encoded without
    their EXIF block (which carries the phone's GPS track and model), and stored under a digest.
    """

    file = models.FileField(_("file"), upload_to="photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # Seen through the item it belongs to; on its own, only by whoever uploaded it.
    scope_rule = ScopeRule(owner="uploaded_by")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name or self.file.name

    def get_absolute_url(self):
        # Served through a view that checks who asks, never as a public media file.
        return reverse("photo", args=[self.pk])


class Notification(models.Model):
    """A message to one person about a work item: assigned to your unit, returned, closed…"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=255)
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    scope_rule = ScopeRule(owner="user")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self):
        return self.text


class TimelineEntry(models.Model):
    """One step in an item's life. Append-only: the timeline is the item's history of record.

    Concrete subclasses add `item = ForeignKey(<kind>, related_name="timeline")`.
    `seq` is the item's version after the step, so (item, seq) is unique and orders the history.
    """

    seq = models.PositiveIntegerField(_("step number"))
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by (name)"), max_length=150)
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("photos"), blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["seq"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Timeline entries are append-only.")
        super().save(*args, **kwargs)

    def get_action_label(self) -> str:
        from .engine import WORKFLOWS

        for flow in WORKFLOWS.values():
            if flow.timeline_model is type(self):
                return str(flow.transition(self.action).label)
        return self.action

    def photos(self) -> list:
        """The step's photos: known already when the engine has just written the step."""
        known = getattr(self, "_photos", None)
        return known if known is not None else list(self.attachments.all())
