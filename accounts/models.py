from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Officers, national staff and administrators. Citizens have no accounts."""

    full_name_bn = models.CharField(_("name in Bangla"), max_length=200, blank=True)
    # a2i / Cabinet Division staff: read every district, write nothing.
    is_national = models.BooleanField(
        _("national viewer"),
        default=False,
        help_text=_("Reads every district's grievances and dashboards; can change nothing."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """The name in Bangla in the Bangla interface (if known), else the English name."""
        if self.full_name_bn and (translation.get_language() or "").startswith("bn"):
            return self.full_name_bn
        return self.get_full_name() or self.username

    def __str__(self) -> str:
        return self.display_name
