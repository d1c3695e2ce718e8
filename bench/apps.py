from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Holds the ``generate_load`` command; no models, nothing at request time."""

    name = "bench"
    verbose_name = "Benchmark"
