from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.signals import user_logged_in

        from accounts.forms import AdminLoginForm
        from accounts.receivers import session_stamp_on_login

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="accounts-session-stamp")
        # The admin's own sign-in must not be a way around two-factor.
        admin.site.login_form = AdminLoginForm
