from django.apps import AppConfig


class BallotsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ballots"
    verbose_name = "Trigger ballots"
