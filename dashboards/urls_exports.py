"""The grievance-level exports' URLs, added to `dashboards.urls` (the "dashboards" namespace)."""

from django.urls import path

from dashboards import views_exports

urlpatterns = [
    path(
        "dashboard/export/grievances.<str:fmt>",
        views_exports.grievances_export,
        name="export_grievances",
    ),
]
