from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Joint meetings and trainings"

    def ready(self):
        from agencies import signals as agency_signals
        from cases import signals as case_signals
        from meetings import receivers

        for signal, receiver in [
            (agency_signals.membership_ended, receivers.withdraw_meetings_of_departed_agency),
            (agency_signals.coordinator_removed, receivers.retract_events_of_former_coordinator),
            (agency_signals.person_moved, receivers.end_registrations_of_moved_person),
            (case_signals.case_access_changed, receivers.date_replay_of_case_meetings),
            (case_signals.case_access_ended, receivers.withdraw_meetings_about_lost_case),
        ]:
            signal.connect(receiver, dispatch_uid=f"meetings.{receiver.__name__}")
