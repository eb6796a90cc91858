from django.db import models
from django.urls import reverse

from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem


class ErrandStatus(models.TextChoices):
    OPEN = "open", "open"
    TAKEN = "taken", "taken"
    DONE = "done", "done"
    DROPPED = "dropped", "dropped"


class Errand(Placed, WorkItem):
    """Something small to do at a place: taken by a grid worker there, done with a photo."""

    number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=16, choices=ErrandStatus.choices)
    taken_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    times_dropped = models.PositiveSmallIntegerField(default=0)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = verbose_name_plural = "跑腿事项"

    def get_absolute_url(self):
        return reverse("work:detail", args=["errands", self.number])


class ErrandTimelineEntry(TimelineEntry):
    item = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="timeline")
