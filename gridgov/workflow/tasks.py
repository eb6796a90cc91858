"""Work the engine leaves to the background worker."""

from django_tasks import task


@task()
def notify_step(workflow: str, item_id: int, action: str, actor_id: int | None) -> int:
    """Tell the people a step concerns (the unit it was dispatched to, the reporter…)."""
    from .engine import WORKFLOWS

    flow = WORKFLOWS[workflow]
    item = flow.model.objects.filter(pk=item_id).first()
    return flow.notify(item, action, actor_id) if item is not None else 0
