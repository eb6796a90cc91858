"""Work the engine leaves to the background worker."""

from django_tasks import task

from .attachments import purge_orphan_photos as purge_photo_files


@task()
def notify_step(workflow: str, item_id: int, action: str, actor_id: int | None) -> int:
    """Tell the people a step concerns (the unit it was dispatched to, the reporter…)."""
    from .engine import WORKFLOWS

    flow = WORKFLOWS[workflow]
    item = flow.model.objects.filter(pk=item_id).first()
    return flow.notify(item, action, actor_id) if item is not None else 0


@task()
def purge_orphan_photos() -> dict:
    """Remove photo files that a refused or rolled-back request stored but no attachment
    uses (hourly)."""
    return {"orphan_photos": purge_photo_files()}
