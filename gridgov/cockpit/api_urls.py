"""The cockpit's endpoints under /api/v1/cockpit/."""

urlpatterns: list = []
