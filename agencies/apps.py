from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies, task forces and people"

    def ready(self):
        # Registers the bearer token with drf-spectacular.
        from agencies import receivers, schema  # noqa: F401
