from django.apps import AppConfig


class BallotsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ballots"
    verbose_name = "Trigger ballots"

    def ready(self) -> None:
        # Imported here: the services import the models, which are not ready at module load.
        from anymail.signals import tracking

        from ballots.officer.services.code_bounces import delivery_tracking_receive

        # The mail provider's bounce and complaint reports (only reach us if its webhook is set up).
        tracking.connect(delivery_tracking_receive, dispatch_uid="ballots.voting_code_bounces")
