from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Activity and audit trail"

    def ready(self):
        from activity import signals  # noqa: F401
