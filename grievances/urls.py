"""Grievance pages. Citizens' and officers' routes live beside their views; one namespace."""

from django.urls import path

from grievances import citizen_urls, officer_urls
from grievances.views import public

app_name = "grievances"

urlpatterns = [
    path("", public.home, name="home"),
]
urlpatterns += officer_urls.urlpatterns
urlpatterns += citizen_urls.urlpatterns
