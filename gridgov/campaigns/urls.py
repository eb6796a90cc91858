from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<str:number>/", views.board, name="board"),
    path("<str:number>/wall/", views.wall, name="wall"),
    path("<str:number>/export/", views.export, name="export"),
    path("<str:number>/import/", views.item_import, name="import"),
    path("<str:number>/items/", views.item_list, name="items"),
    path("<str:number>/items/<str:pk>/", views.item_detail, name="item"),
    path("<str:number>/items/<str:pk>/move/", views.item_move, name="move"),
    path("<str:number>/items/<str:pk>/undo/", views.item_undo, name="undo"),
]
