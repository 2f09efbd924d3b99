"""Who must use two-factor sign-in: the one place that decides it.

Asked at sign-in (accounts/views.py), by the admin's own login form (accounts/forms.py) and on
every request to the officers' and administrators' pages (accounts/middleware.py), so a rule
changed here changes everywhere at once.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from offices.models import OfficeMembership


def two_factor_enforced() -> bool:
    """Two-factor is enforced unless OTP_REQUIRED_FOR_ROLES is empty (developers' machines and
    the local demo only; production settings refuse that)."""
    return bool(settings.OTP_REQUIRED_FOR_ROLES)


def user_must_use_otp(*, user: User) -> bool:
    """True if `user` may only be signed in with a code from an authenticator app.

    That is anyone who has a confirmed device (they chose it, or were made to), and, while
    two-factor is enforced: staff and superusers (the admin), national viewers when
    OTP_REQUIRED_FOR_ROLES lists "national", and members of an office in a listed role
    ("gro", "head"). One query at most.
    """
    roles = set(settings.OTP_REQUIRED_FOR_ROLES)
    if roles and (user.is_staff or user.is_superuser or (user.is_national and "national" in roles)):
        return True
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    required_role = OfficeMembership.objects.filter(user=OuterRef("pk"), role__in=roles)
    return (
        User.objects.filter(pk=user.pk).filter(Exists(has_device) | Exists(required_role)).exists()
    )


def user_has_confirmed_device(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
