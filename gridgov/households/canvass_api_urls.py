from django.urls import path

from . import canvass_api as api

urlpatterns = [
    path("canvasses", api.CanvassListCreateView.as_view(), name="api-canvasses"),
    path("canvasses/<str:number>", api.CanvassDetailView.as_view(), name="api-canvass"),
    path(
        "canvasses/<str:number>/coverage", api.CoverageView.as_view(), name="api-canvass-coverage"
    ),
    path(
        "canvasses/<str:number>/households",
        api.ProofListView.as_view(),
        name="api-canvass-households",
    ),
    path(
        "canvasses/<str:number>/households/<str:household>/excuse",
        api.ExcuseView.as_view(),
        name="api-canvass-excuse",
    ),
    path("canvasses/<str:number>/visits", api.VisitView.as_view(), name="api-canvass-visits"),
    path(
        "canvasses/<str:number>/assignments",
        api.AssignmentView.as_view(),
        name="api-canvass-assignments",
    ),
    path("colours", api.ColourCountsView.as_view(), name="api-colours"),
    path("residents/<int:pk>/colour", api.ColourOverrideView.as_view(), name="api-resident-colour"),
]
