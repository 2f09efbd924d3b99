from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.otp_verify, name="otp-verify"),
    path("two-factor/", views.otp_setup, name="otp-setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
