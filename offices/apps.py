from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices")

    def ready(self) -> None:
        from accounts.selectors import otp_role_check_register
        from offices.selectors import user_holds_office_role

        # Who must use two-factor depends on their office role (OTP_REQUIRED_FOR_ROLES), and
        # accounts, below offices, may not import it: offices hands over the check instead.
        otp_role_check_register(user_holds_office_role)
