"""Reads of supervision on behalf of a user: always through `scoped`."""

from dataclasses import dataclass

from django.db.models import Q

from gridgov.core.errors import NotFound
from gridgov.org.models import Staff
from gridgov.org.scoping import scoped

from .models import Finding, Project, Suggestion, SupervisionGroup, SupervisionPost


def finding_for(user, number: str) -> Finding:
    finding = (
        scoped(Finding.objects.all(), user)
        .select_related("group", "post", "department", "target", "project", "town", "village")
        .filter(number=number)
        .first()
    )
    if finding is None:
        raise NotFound()
    return finding


@dataclass(frozen=True)
class FindingFilter:
    status: str = ""
    kind: str = ""
    group: int | None = None
    q: str = ""


def filtered_findings(user, f: FindingFilter):
    findings = scoped(Finding.objects.all(), user).select_related(
        "group", "department", "target", "town", "village"
    )
    if f.status:
        findings = findings.filter(status=f.status)
    if f.kind:
        findings = findings.filter(kind=f.kind)
    if f.group is not None:
        findings = findings.filter(Q(group_id=f.group) | Q(group__parent_id=f.group))
    if f.q:
        findings = findings.filter(
            Q(number__icontains=f.q)
            | Q(summary__icontains=f.q)
            | Q(department__name__icontains=f.q)
            | Q(target__name__icontains=f.q)
        )
    return findings.order_by("-found_at", "-id")


def groups_for(user):
    return scoped(SupervisionGroup.objects.all(), user).select_related("region", "office", "parent")


def group_for(user, pk) -> SupervisionGroup:
    group = groups_for(user).filter(pk=pk).first()
    if group is None:
        raise NotFound()
    return group


def posts_for(user):
    return scoped(SupervisionPost.objects.all(), user).select_related("group", "target", "town")


def post_for(user, pk) -> SupervisionPost:
    post = posts_for(user).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    return post


def projects_for(user):
    return scoped(Project.objects.all(), user).select_related("department", "group", "town")


def project_for(user, code: str) -> Project:
    project = projects_for(user).filter(code=code).first()
    if project is None:
        raise NotFound()
    return project


def suggestions_for(user):
    return scoped(Suggestion.objects.all(), user).select_related("post", "town")


def group_user_ids(group: SupervisionGroup) -> list[int]:
    """The logins of a group's members, of its squads' and of its parent group's."""
    groups = [group.pk, *(group.squads.values_list("pk", flat=True))]
    if group.parent_id:
        groups.append(group.parent_id)
    return list(
        Staff.objects.filter(supervision_groups__in=groups, is_active=True, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )


def is_member(group: SupervisionGroup, post) -> bool:
    """A member of the group (of its squads or of its parent group), or staff of its office."""
    if post is None:
        return False
    if post.department_id is not None and post.department_id == group.office_id:
        return True
    return post.supervision_groups.filter(
        Q(pk=group.pk) | Q(parent_id=group.pk) | Q(pk=group.parent_id or 0)
    ).exists()


def area_user_ids(finding, roles) -> list[int]:
    """Staff of these roles posted to the finding's town (who record for a firm or a farm)."""
    return list(
        Staff.objects.filter(
            region__town_id=finding.town_id, role__in=roles, is_active=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )
