"""The dated outcomes of a case: read by every agency that sees the case, recorded and
withdrawn by managing agencies."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from cases import access, selectors, services
from cases.api.common import PersonRefSerializer, valid
from cases.models import (
    OUTCOME_MAX,
    AccessLevel,
    AgeGroup,
    CaseOutcome,
    Citizenship,
    OutcomeKind,
    Statute,
)
from cases.models.outcomes import WITHDRAWAL_REASON_MAX_LENGTH


class OutcomeSerializer(serializers.ModelSerializer):
    recorded_by = PersonRefSerializer(allow_null=True)
    withdrawn_by = PersonRefSerializer(allow_null=True)

    class Meta:
        model = CaseOutcome
        fields = [
            "id",
            "kind",
            "count",
            "occurred_on",
            "age_group",
            "citizenship",
            "statute",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
        ]


class OutcomeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    count = serializers.IntegerField(min_value=1, max_value=OUTCOME_MAX)
    occurred_on = serializers.DateField(help_text="The day it happened.")
    age_group = serializers.ChoiceField(
        choices=AgeGroup.choices, required=False, help_text="Victims identified only."
    )
    citizenship = serializers.ChoiceField(
        choices=Citizenship.choices, required=False, help_text="Victims identified only."
    )
    statute = serializers.ChoiceField(
        choices=Statute.choices, required=False, help_text="Charges filed only (required)."
    )


class OutcomeWithdrawSerializer(serializers.Serializer):
    reason = TextField(max_length=WITHDRAWAL_REASON_MAX_LENGTH)


class CaseOutcomesView(IdempotentPosts, APIView):
    """The outcome records of a case, withdrawn ones included (its history); recording one
    (managing agencies)."""

    @extend_schema(responses=OutcomeSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        return Response(OutcomeSerializer(selectors.case_outcomes(case), many=True).data)

    @extend_schema(request=OutcomeCreateSerializer, responses={201: OutcomeSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        outcome = services.case_outcome_record(
            actor=request.user, case=case, **valid(OutcomeCreateSerializer, request.data)
        )
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)


class CaseOutcomeWithdrawView(IdempotentPosts, APIView):
    """Withdraw a wrong record (managing agencies); record the right one next."""

    @extend_schema(request=OutcomeWithdrawSerializer, responses={200: OutcomeSerializer})
    def post(self, request, pk, outcome_id):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        outcome = case.outcomes.filter(pk=outcome_id).first()
        if outcome is None:
            raise exceptions.NotFound()
        outcome = services.case_outcome_withdraw(
            actor=request.user, outcome=outcome, **valid(OutcomeWithdrawSerializer, request.data)
        )
        return Response(OutcomeSerializer(outcome).data)
