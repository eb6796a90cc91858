from django.urls import path, re_path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("households/", views.household_list, name="households"),
    path("buildings/", views.building_list, name="buildings"),
    path("mine/", views.my_grid, name="mine"),
    path("reveals/", views.reveal_log, name="reveals"),
    path("buildings/new/", views.building_new, name="building-new"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building-edit"),
    path("buildings/<int:pk>/units/", views.building_place_unit, name="building-place-unit"),
    path(
        "buildings/<int:pk>/units/<int:target>/remove/",
        views.building_unplace_unit,
        name="building-unplace-unit",
    ),
    path("buildings/<int:pk>/houses/", views.building_add_house, name="building-add-house"),
    path("houses/<int:pk>/households/", views.house_add_household, name="house-add-household"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident-move"),
    path("residents/<int:pk>/groups/", views.resident_groups, name="resident-groups"),
    path("residents/<int:pk>/erase/", views.resident_erase, name="resident-erase"),
    re_path(
        r"^residents/(?P<pk>\d+)/reveal/(?P<field>id_number|phone)/$",
        views.resident_reveal,
        name="resident-reveal",
    ),
    path("households/<str:number>/", views.household_detail, name="household"),
    path(
        "households/<str:number>/members/",
        views.household_add_member,
        name="household-add-member",
    ),
]
