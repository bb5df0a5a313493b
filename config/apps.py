from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project itself: registers its deployment checks."""

    name = "config"
    verbose_name = "Trigger ballot tool"

    def ready(self):
        from config import checks  # noqa: F401 - registers the checks
