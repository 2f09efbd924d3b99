from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.national, name="national"),
    path("dashboard/export.csv", views.district_table_csv, name="export_csv"),
    path("dashboard/export.xlsx", views.district_table_xlsx, name="export_xlsx"),
    path("dashboard/<slug:district>/", views.district, name="district"),
    path("stats/", views.public_stats, name="stats"),
]

# The grievance-level exports (CSV, XLSX), streamed: dashboards/urls_exports.py.
from dashboards.urls_exports import urlpatterns as export_urlpatterns  # noqa: E402

urlpatterns += export_urlpatterns
