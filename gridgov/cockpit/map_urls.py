"""The cockpit's maps under /cockpit/map/."""

urlpatterns: list = []
