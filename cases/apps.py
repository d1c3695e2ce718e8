from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from agencies import signals as agency_signals
        from cases import access, receivers

        post_migrate.connect(access.forget_permission_ids, dispatch_uid="cases.forget_perm_ids")

        agency_signals.membership_ended.connect(
            receivers.end_shares_of_departed_agency, dispatch_uid="cases.end_shares_of_departed"
        )
