from django import forms
from django.utils.translation import gettext_lazy as _

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
