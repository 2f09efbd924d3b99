from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Installed only for its management command, `generate_load` (benchmark data)."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
