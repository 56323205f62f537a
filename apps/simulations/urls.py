from __future__ import annotations

from django.urls import path

from apps.simulations import views

app_name = "simulations"
urlpatterns = [
    path("new/<int:definition>/", views.simulation_new, name="new"),
    path("new/<int:definition>/v<int:number>/", views.simulation_new, name="new_version"),
    path("<int:pk>/waiting/", views.waiting, name="waiting"),
    path("<int:pk>/send-task-success/", views.send_task_success, name="send_task_success"),
    path("<int:pk>/send-task-failure/", views.send_task_failure, name="send_task_failure"),
    path("<int:pk>/send-task-heartbeat/", views.send_task_heartbeat, name="send_task_heartbeat"),
    path("<int:pk>/stop/", views.stop, name="stop"),
]
