from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.digits import to_latin_digits


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = to_latin_digits(self.cleaned_data["token"]).replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the digits shown in the app."))
        return token


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's password-only sign-in, closed to anyone who must or chose to use a code."""

    def confirm_login_allowed(self, user: User) -> None:
        from accounts.selectors import user_must_use_otp

        super().confirm_login_allowed(user)
        if user_must_use_otp(user=user):
            raise forms.ValidationError(
                _("Your account uses two-factor sign-in: sign in on the officers' page."),
                code="otp_required",
            )
