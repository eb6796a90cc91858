from django.urls import path

from . import setup_views, views

app_name = "appointments"
urlpatterns = [
    path("", views.board, name="board"),
    path("resources/<int:pk>/", views.resource, name="resource"),
    path("setup/", setup_views.setup, name="setup"),
    path("setup/resources/new/", setup_views.resource_form, name="resource-new"),
    path("setup/resources/<int:pk>/", setup_views.resource_form, name="resource-edit"),
    path("setup/resources/<int:pk>/active/", setup_views.resource_active, name="resource-active"),
    path("setup/resources/<int:pk>/hours/", setup_views.hours, name="hours"),
    path("setup/resources/<int:pk>/exceptions/<int:exception>/remove/",
         setup_views.exception_remove, name="exception-remove"),
    path("setup/lists/new/", setup_views.member_list_new, name="member-list-new"),
    path("setup/lists/template/", setup_views.member_template, name="member-template"),
    path("setup/lists/<int:pk>/", setup_views.member_list, name="member-list"),
    path("setup/lists/<int:pk>/members/<int:member>/remove/", setup_views.member_remove,
         name="member-remove"),
]  # fmt: skip
