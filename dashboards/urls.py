from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.national, name="national"),
    path("dashboard/export.csv", views.district_table_csv, name="export_csv"),
    path("dashboard/<slug:district>/", views.district, name="district"),
    path("stats/", views.public_stats, name="stats"),
]
