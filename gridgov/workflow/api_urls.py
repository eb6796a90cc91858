"""`POST /api/v1/<kind>/{number}/{action}` for every kind of work item, from its table."""

from django.urls import path

from .api import action_view
from .engine import WORKFLOWS

urlpatterns = [
    path(f"{name}/<str:number>/<str:action>", action_view(flow), name=f"api-{name}-action")
    for name, flow in sorted(WORKFLOWS.items())
    if flow.endpoint
]
