from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.home, name="home"),
    path("posts/", views.post_list, name="posts"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("shifts/", views.shift_list, name="shifts"),
    path("shifts/import/", views.shift_import, name="shift-import"),
    path("shifts/<int:pk>/remove/", views.shift_remove, name="shift-remove"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("rest-orders/", views.rest_order_list, name="rest-orders"),
    path("problems/", views.problem_list, name="problems"),
    path("policy/", views.policy, name="policy"),
    path("kpi/", views.kpi, name="kpi"),
]
