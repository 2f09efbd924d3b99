"""GeoReport v2 under /open311/v2/ (config/urls.py): `<resource>.<format>`, json or xml."""

from django.urls import path, re_path

from open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    path("", views.not_found, name="root"),
    re_path(rf"^discovery{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}$", views.services, name="services"),
    re_path(
        rf"^services/(?P<service_code>[^/]+?){FORMAT}$",
        views.service_definition,
        name="service-definition",
    ),
    re_path(rf"^requests{FORMAT}$", views.requests, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[^/]+?){FORMAT}$",
        views.request_detail,
        name="request",
    ),
    re_path(rf"^tokens/(?P<token>[^/]+?){FORMAT}$", views.token_detail, name="token"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not-found"),
]
