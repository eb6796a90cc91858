from django.urls import path

from . import api

urlpatterns = [
    path("campaigns", api.CampaignListView.as_view(), name="api-campaigns"),
    path("campaigns/<str:number>", api.CampaignDetailView.as_view(), name="api-campaign"),
    path("campaigns/<str:number>/board", api.BoardView.as_view(), name="api-campaign-board"),
    path("campaigns/<str:number>/items", api.ItemListView.as_view(), name="api-campaign-items"),
    path(
        "campaigns/<str:number>/items/<str:pk>",
        api.ItemDetailView.as_view(),
        name="api-campaign-item",
    ),
    path(
        "campaigns/<str:number>/items/<str:pk>/moves",
        api.MoveView.as_view(),
        name="api-campaign-item-moves",
    ),
    path(
        "campaigns/<str:number>/items/<str:pk>/undo",
        api.UndoView.as_view(),
        name="api-campaign-item-undo",
    ),
]
