"""Staff notifications."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from grievances.models import (
    StaffNotification,
)

# --- staff notifications ----------------------------------------------------------------------


@transaction.atomic
def staff_notification_mark_all_read(*, user: User) -> int:
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
