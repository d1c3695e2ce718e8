from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case notes"

    def ready(self):
        from agencies import signals as agency_signals
        from cases import receivers

        agency_signals.membership_ended.connect(
            receivers.end_shares_of_departed_agency, dispatch_uid="cases.end_shares_of_departed"
        )
