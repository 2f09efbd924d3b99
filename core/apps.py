from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core.client_ip import check_trusted_proxies

        checks.register(check_trusted_proxies, checks.Tags.security, deploy=True)
