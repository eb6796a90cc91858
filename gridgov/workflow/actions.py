from django.utils import timezone

from .models import Notification


def do_mark_notifications_read(user) -> int:
    """Mark all of a user's unread notifications read. Not audited: it changes only what the
    user's own inbox shows, nobody's data."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
