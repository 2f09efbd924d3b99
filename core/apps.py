from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core.client_ip import check_trusted_proxies, check_trusted_proxies_parse

        checks.register(check_trusted_proxies_parse, checks.Tags.security)
        checks.register(check_trusted_proxies, checks.Tags.security, deploy=True)

        from core.request_id import connect_signals

        connect_signals()
