"""Citizens' routes (DESIGN.md §5.2): filing and tracking. Included by grievances/urls.py."""

from django.urls import path

from grievances.views import citizen

urlpatterns = [
    path("grievances/new/", citizen.grievance_file, name="file"),
    path("grievances/new/upazilas/", citizen.upazila_options, name="upazila-options"),
    path("grievances/filed/", citizen.grievance_filed, name="filed"),
    path("track/", citizen.grievance_track_lookup, name="track-lookup"),
    path("track/<str:code>/", citizen.grievance_track, name="track"),
    path("track/<str:code>/add/", citizen.grievance_add_info, name="track-add-info"),
    path("track/<str:code>/feedback/", citizen.grievance_feedback, name="track-feedback"),
    path(
        "track/<str:code>/files/<int:pk>/", citizen.attachment_download, name="attachment-download"
    ),
]
