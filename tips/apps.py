from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "tips"
    verbose_name = "Tips, identifiers and deconfliction"

    def ready(self):
        from agencies import signals as agency_signals
        from tips import receivers

        for signal, receiver in [
            (agency_signals.membership_ended, receivers.end_tips_of_departed_agency),
            (
                agency_signals.coordinator_removed,
                receivers.retract_tip_events_of_former_coordinator,
            ),
        ]:
            signal.connect(receiver, dispatch_uid=f"tips.{receiver.__name__}")
