from __future__ import annotations

from django.urls import path, register_converter

from apps.definitions import views


class DownloadFormat:
    regex = "json|yaml|svg|png"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DownloadFormat, "download_format")

app_name = "definitions"
urlpatterns = [
    path("", views.definition_list, name="list"),
    path("import/", views.definition_import, name="import"),
    path("<int:pk>/", views.definition_detail, name="detail"),
    path("<int:pk>/v<int:number>/", views.definition_detail, name="version"),
    path(
        "<int:pk>/v<int:number>/download.<download_format:fmt>",
        views.version_download,
        name="download",
    ),
]
