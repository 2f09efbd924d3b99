"""Writes for accounts: two-factor devices and disabling a user.

Failed-sign-in throttling lives in accounts/throttle.py; who must use two-factor in
accounts/selectors.py.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def otp_devices_discard_unconfirmed(*, user: User) -> int:
    """Remove `user`'s half-finished enrolments; returns how many.

    Called after a good password, so a device whose secret someone else saw (an enrolment
    abandoned, or started by whoever had the password before) can never be confirmed later.
    """
    deleted, _ = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return deleted


def otp_device_enrolment(*, user: User) -> TOTPDevice:
    """The device `user` is enrolling now: their unconfirmed one, or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def otp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolling device with the code its app shows; False if the code is wrong.

    django-otp throttles wrong codes on the device itself (growing delays).
    """
    allowed, _details = device.verify_is_allowed()
    if not (allowed and device.verify_token(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def user_disable(*, user: User) -> int:
    """Deactivate `user` and end every session they have; returns how many were ended."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended
