from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacebookConfig(AppConfig):
    name = "integrations.facebook"
    label = "facebook"
    verbose_name = _("Facebook pages")
    default_auto_field = "django.db.models.BigAutoField"
