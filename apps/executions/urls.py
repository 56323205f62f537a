from __future__ import annotations

from django.urls import path

from apps.executions.views import compare, dashboard, detail, imports, live

app_name = "executions"
urlpatterns = [
    path("", dashboard.execution_list, name="list"),
    path("import/", imports.execution_import, name="import"),
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("status.css", detail.status_stylesheet, name="status_css"),
    path("<int:pk>/", detail.execution_detail, name="detail"),
    path("<int:pk>/live/", live.execution_live, name="live"),
    path("<int:pk>/step/", detail.step_details, name="step"),
    path("<int:pk>/payload/", detail.payload_text, name="payload"),
    path("<int:pk>/export/", imports.execution_export, name="export"),
    path("<int:a>/compare/<int:b>/", compare.execution_compare, name="compare"),
]
