"""The worker side of appointments: the reminders, sent once per booking."""

from django_tasks import task

from .actions import send_reminders


@task()
def remind_bookings() -> int:
    """Every ten minutes: text those booked within the next day (each once)."""
    return send_reminders()
