from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Open311Token(models.Model):
    """A receipt for one service request filed through Open311 (GeoReport v2 "tokens").

    Filing is immediate, so the POST answers with the service_request_id and this token
    together; `tokens/{token}` gives the id again. Which API key filed it is kept (its public
    prefix) for the audit; nothing about the citizen is.
    """

    token = models.CharField(max_length=32, unique=True)
    grievance = models.OneToOneField(
        "grievances.Grievance", on_delete=models.CASCADE, related_name="open311_token"
    )
    api_key_prefix = models.CharField(_("API key prefix"), max_length=16)
    jurisdiction_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 token")
        verbose_name_plural = _("Open311 tokens")

    def __str__(self) -> str:
        return self.token
