from django.urls import path

from . import api

MONTH = "evaluation/sets/<str:code>/months/<str:month>"
urlpatterns = [
    path("evaluation/sets", api.SetListView.as_view(), name="api-evaluation-sets"),
    path(
        "evaluation/sets/<str:code>/indicators",
        api.ImportIndicatorsView.as_view(),
        name="api-evaluation-indicators",
    ),
    path(MONTH, api.EvaluationView.as_view(), name="api-evaluation"),
    path(f"{MONTH}/scores", api.RankingView.as_view(), name="api-evaluation-ranking"),
    path(f"{MONTH}/scores/<str:unit>", api.UnitScoreView.as_view(), name="api-evaluation-unit"),
    path(f"{MONTH}/evaluate", api.EvaluateView.as_view(), name="api-evaluation-evaluate"),
    path(f"{MONTH}/publish", api.PublishView.as_view(), name="api-evaluation-publish"),
]
