from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacebookConfig(AppConfig):
    name = "integrations.facebook"
    label = "facebook"
    verbose_name = _("Facebook pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Facebook is one of grievances' reply channels: grievances hands it replies to post
        # and asks it which may be attempted now (grievances/reply_channels.py).
        from grievances.reply_channels import FACEBOOK, register_reply_channel
        from integrations.facebook.services.replies import replies_may_attempt_now, reply_deliver

        register_reply_channel(
            FACEBOOK, deliver=reply_deliver, may_attempt_now=replies_may_attempt_now
        )
