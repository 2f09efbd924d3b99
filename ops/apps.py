from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backups, metrics, retention of personal data (docs/operations.md)."""

    name = "ops"

    def ready(self) -> None:
        from ops import task_metrics

        task_metrics.connect_signals()
