"""Identifiers of a case or a tip, the deconfliction notices addressed to the caller's
agency, and a case's "do not deconflict" mark."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer
from cases import access as case_access
from cases.api.common import valid
from cases.models import AccessLevel
from tips import access, limits, selectors, services
from tips.models import IDENTIFIER_MAX_LENGTH, REASON_MAX_LENGTH, IdentifierKind
from tips.services.deconfliction import notice_payload, notice_payloads


class IdentifierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField(help_text="The normalised value (phones in E.164).")
    added_agency = AgencyRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class IdentifierCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = TextField(
        max_length=IDENTIFIER_MAX_LENGTH,
        help_text="A plate is written with its state first: MO ABC-123.",
    )


class NoticeContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class NoticeAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = serializers.CharField()
    name = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    """A match, as the agency it is addressed to learns it: the kind of identifier, the
    other agency and whom to call there; nothing else of the other side."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    kind_label = serializers.CharField()
    other_holds = serializers.ChoiceField(choices=[("case", "case"), ("tip", "tip")])
    other_agency = NoticeAgencySerializer()
    contact = NoticeContactSerializer()
    created_at = serializers.DateTimeField()

    def to_representation(self, notice) -> dict:
        payload = notice if isinstance(notice, dict) else notice_payload(notice)
        return super().to_representation(payload)


def throttled(exc: limits.RateLimited) -> exceptions.Throttled:
    return exceptions.Throttled(
        wait=exc.wait,
        detail=f"You attached many identifiers lately; try again in {exc.wait} seconds.",
    )


class CaseIdentifiersView(IdempotentPosts, APIView):
    """The identifiers of a case (agencies that see it); attaching one (agencies that
    contribute), which matches it against every other case and tip, rate-limited."""

    pagination_class = None

    @extend_schema(responses=IdentifierSerializer(many=True))
    def get(self, request, pk):
        case, _ = case_access.case_for(request.user, pk)
        rows = access.case_identifiers(case).select_related("added_agency")
        return Response(IdentifierSerializer(rows, many=True).data)

    @extend_schema(
        request=IdentifierCreateSerializer, responses={201: IdentifierSerializer, 429: None}
    )
    def post(self, request, pk):
        case, _ = case_access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
        data = valid(IdentifierCreateSerializer, request.data)
        try:
            identifier = services.identifier_add(actor=request.user, case=case, **data)
        except limits.RateLimited as exc:
            raise throttled(exc) from exc
        return Response(IdentifierSerializer(identifier).data, status=status.HTTP_201_CREATED)


class TipIdentifiersView(IdempotentPosts, APIView):
    """The identifiers of a tip (those who see it); attaching one while the tip is open (its
    coordinators and assigned agency), matched and rate-limited like a case's."""

    pagination_class = None

    @extend_schema(responses=IdentifierSerializer(many=True))
    def get(self, request, pk):
        tip = access.tip_for(request.user, pk)
        rows = tip.identifiers.select_related("added_agency").order_by("pk")
        return Response(IdentifierSerializer(rows, many=True).data)

    @extend_schema(
        request=IdentifierCreateSerializer, responses={201: IdentifierSerializer, 429: None}
    )
    def post(self, request, pk):
        tip = access.tip_for(request.user, pk)
        data = valid(IdentifierCreateSerializer, request.data)
        try:
            identifier = services.tip_identifier_add(actor=request.user, tip=tip, **data)
        except limits.RateLimited as exc:
            raise throttled(exc) from exc
        return Response(IdentifierSerializer(identifier).data, status=status.HTTP_201_CREATED)


class OptOutSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH, help_text="Why; kept in the audit trail.")
    set_at = serializers.DateTimeField(read_only=True)


class CaseOptOutView(IdempotentPosts, APIView):
    """A case's "do not deconflict" mark, for the agencies that manage the case: while it is
    set, the case's identifiers match nothing and nothing matches them."""

    @extend_schema(responses={200: OptOutSerializer, 404: None})
    def get(self, request, pk):
        case, _ = case_access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        opt_out = selectors.case_opt_out(case)
        if opt_out is None:
            raise exceptions.NotFound("This case is deconflicted.")
        return Response(OptOutSerializer(opt_out).data)

    @extend_schema(request=OptOutSerializer, responses={201: OptOutSerializer})
    def post(self, request, pk):
        case, _ = case_access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        data = valid(OptOutSerializer, request.data)
        opt_out = services.case_opt_out(actor=request.user, case=case, reason=data["reason"])
        return Response(OptOutSerializer(opt_out).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        case, _ = case_access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        services.case_opt_in(actor=request.user, case=case)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdentifierView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        identifier = access.identifier_for(request.user, pk)
        services.identifier_remove(actor=request.user, identifier=identifier)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseDeconflictionView(APIView):
    """The deconfliction notices of a case addressed to the caller's agency, newest first."""

    pagination_class = None

    @extend_schema(responses=NoticeSerializer(many=True))
    def get(self, request, pk):
        case, _ = case_access.case_for(request.user, pk)
        notices = access.case_notices(request.user, case).select_related("other_agency")
        return Response(NoticeSerializer(notice_payloads(notices), many=True).data)
