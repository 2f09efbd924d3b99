from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("grievances/", views.GrievanceListView.as_view(), name="grievance-list"),
    path("grievances/new/", views.OfficerEntryView.as_view(), name="grievance-create"),
    path("grievances/<int:pk>/", views.GrievanceDetailView.as_view(), name="grievance-detail"),
    *[
        path(f"grievances/<int:pk>/{name}/", view, name=f"grievance-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ],
    path(
        "grievances/<int:pk>/replies/<int:reply_id>/retry/",
        views.ReplyRetryView.as_view(),
        name="grievance-reply-retry",
    ),
    path("divisions/", views.DivisionListView.as_view(), name="division-list"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("upazilas/", views.UpazilaListView.as_view(), name="upazila-list"),
    path("offices/", views.OfficeListView.as_view(), name="office-list"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("citizen/grievances/", views.CitizenFileView.as_view(), name="citizen-file"),
    path("citizen/grievances/<str:code>/", views.CitizenTrackView.as_view(), name="citizen-track"),
]
