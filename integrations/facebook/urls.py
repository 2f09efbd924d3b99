from django.urls import path

from integrations.facebook import views

app_name = "facebook"

urlpatterns = [
    path("webhook/", views.facebook_webhook, name="webhook"),
    path("data-deletion/", views.facebook_data_deletion, name="data-deletion"),
    path(
        "data-deletion/<str:code>/",
        views.facebook_data_deletion_status,
        name="data-deletion-status",
    ),
]
