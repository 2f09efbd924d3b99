"""The officers' pages, under /officer/. Added to the `grievances` namespace by urls.py."""

from django.urls import path

from grievances.views import officer

urlpatterns = [
    path("officer/", officer.inbox, name="officer-inbox"),
    path("officer/bulk/", officer.inbox_bulk, name="officer-bulk"),
    path("officer/notifications/", officer.notifications, name="officer-notifications"),
    path("officer/grievances/new/", officer.grievance_new, name="officer-grievance-new"),
    path("officer/grievances/<int:pk>/", officer.grievance_detail, name="officer-grievance"),
    path("officer/grievances/<int:pk>/reply/", officer.reply_send, name="officer-reply"),
    path(
        "officer/grievances/<int:pk>/replies/<int:reply_id>/retry/",
        officer.reply_retry,
        name="officer-reply-retry",
    ),
    path(
        "officer/grievances/<int:pk>/<slug:action>/",
        officer.grievance_action,
        name="officer-action",
    ),
]
