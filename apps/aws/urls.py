from __future__ import annotations

from django.urls import path

from apps.aws import views

app_name = "aws"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("new/", views.source_new, name="new"),
    path("<int:pk>/", views.source_detail, name="detail"),
    path("<int:pk>/edit/", views.source_edit, name="edit"),
    path("<int:pk>/test/", views.source_test, name="test"),
    path("<int:pk>/pull/", views.source_pull, name="pull"),
    path("executions/<int:pk>/follow/", views.execution_follow, name="follow"),
]
