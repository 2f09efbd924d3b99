from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backups, metrics, retention of personal data (docs/operations.md)."""

    name = "ops"

    def ready(self) -> None:
        from dashboards.metrics import computed_at
        from ops import task_metrics
        from ops.metrics import summary_age_source_register

        task_metrics.connect_signals()
        # The dashboards' summaries are the ones whose age is watched (alert after 15 min).
        summary_age_source_register(computed_at)
