"""Who must use two-factor sign-in: the one place that decides it.

Asked at sign-in (accounts/views.py), by the admin's own login form (accounts/forms.py) and on
every request to the officers' and administrators' pages (accounts/middleware.py), so a rule
changed here changes everywhere at once.

Office roles ("gro", "head") belong to `offices`, which sits above `accounts` and so is never
imported here. Instead offices hands its role check to this module when the project starts
(`OfficesConfig.ready` in offices/apps.py calls `otp_role_check_register`).
"""

from collections.abc import Callable, Collection

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# Given the roles OTP_REQUIRED_FOR_ROLES lists, a subquery true for a user (OuterRef("pk"))
# who holds one of them.
OtpRoleCheck = Callable[[Collection[str]], Exists]

_otp_role_check: OtpRoleCheck | None = None


def otp_role_check_register(check: OtpRoleCheck) -> None:
    """Called once, by offices at start-up: how to tell that a user holds an office role."""
    global _otp_role_check  # set once at start-up, read on every sign-in
    _otp_role_check = check


def _holds_required_role(roles: Collection[str]) -> Exists:
    if _otp_role_check is None:
        raise ImproperlyConfigured(
            "No office role check is registered for two-factor sign-in: is 'offices' in "
            "INSTALLED_APPS?"
        )
    return _otp_role_check(roles)


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
    return (
        User.objects.filter(pk=user.pk)
        .filter(Exists(has_device) | _holds_required_role(roles))
        .exists()
    )


def user_has_confirmed_device(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def user_confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
