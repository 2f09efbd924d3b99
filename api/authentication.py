"""`Authorization: Api-Key <key>` for DRF. Two-factor does not apply to keys (they are not
sessions: accounts.middleware.OtpRequiredMiddleware looks only at the session's user)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import User
from api.keys import key_authenticate, key_scope_user
from api.models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[User, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid API key header."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid API key header.")) from exc
        key = key_authenticate(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("The API key is unknown, expired or revoked."))
        return key_scope_user(key), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
