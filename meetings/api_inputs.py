"""What the meetings API takes in: one input serializer per write, with the length limits
of the models (a 5,000-character title is a 400 with the field's message, not a row)."""

from rest_framework import serializers

from activity.inputs import TextField
from agencies.models import Agency, Profession, TaskForce
from meetings.models import (
    AGENDA_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    MINUTES_MAX_LENGTH,
    RULE_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPICS_MAX_LENGTH,
    VIDEO_LINK_MAX_LENGTH,
    Answer,
    MeetingKind,
)


class MeetingWriteSerializer(serializers.Serializer):
    title = TextField(max_length=TITLE_MAX_LENGTH)
    task_force = serializers.PrimaryKeyRelatedField(queryset=TaskForce.objects.all())
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = TextField(required=False, max_length=64)
    agenda = TextField(required=False, allow_blank=True, max_length=AGENDA_MAX_LENGTH)
    location = TextField(required=False, allow_blank=True, max_length=LOCATION_MAX_LENGTH)
    video_url = serializers.URLField(
        required=False, allow_blank=True, max_length=VIDEO_LINK_MAX_LENGTH
    )
    invited_agencies = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False
    )
    invite_all = serializers.BooleanField(required=False, default=False)
    recurrence = TextField(required=False, allow_blank=True, max_length=RULE_MAX_LENGTH)
    case = serializers.IntegerField(required=False, allow_null=True)
    confidential = serializers.BooleanField(required=False, default=False)
    open_to_all = serializers.BooleanField(required=False, default=False)
    topics = TextField(required=False, allow_blank=True, max_length=TOPICS_MAX_LENGTH)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    registration_deadline = serializers.DateTimeField(required=False, allow_null=True)
    eligible_professions = serializers.ListField(
        child=serializers.ChoiceField(choices=Profession.choices), required=False
    )
    minutes = TextField(required=False, allow_blank=True, max_length=MINUTES_MAX_LENGTH)


class RsvpSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=[Answer.ACCEPTED, Answer.TENTATIVE, Answer.DECLINED])
    # Not given: the agency's current note and attendees stay.
    note = TextField(required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    attendees = TextField(required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)


class CancelSerializer(serializers.Serializer):
    reason = TextField(
        required=False, allow_blank=True, max_length=SHORT_TEXT_MAX_LENGTH, default=""
    )


class OccurrenceChangeSerializer(serializers.Serializer):
    original_start = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["cancel", "move"])
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
