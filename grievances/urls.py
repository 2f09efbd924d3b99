from django.urls import path

from grievances import views

app_name = "grievances"

urlpatterns = [
    path("", views.home, name="home"),
]
