"""Search: one query over cases, notes, tasks and evidence file names the caller may see."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import search


class HitCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["case", "note", "task", "file"])
    id = serializers.IntegerField()
    case = HitCaseSerializer()
    title = serializers.CharField()
    snippet = serializers.CharField(
        help_text="The matching text as HTML: escaped, with <mark> around matching words."
    )
    rank = serializers.FloatField(help_text="Higher is a better match.")
    url = serializers.CharField(help_text="The page that shows it.")


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = HitSerializer(many=True)


Q = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    required=True,
    description=f"Words to find (every one must match; at most {search.MAX_QUERY_LENGTH} "
    "characters).",
)


class SearchView(APIView):
    """Cases, notes, tasks and evidence file names your agency may see that match every
    word of ``q``, best first (at most 50)."""

    @extend_schema(parameters=[Q], responses=SearchResultsSerializer)
    def get(self, request):
        text = request.query_params.get("q", "")
        if not text.strip():
            raise exceptions.ValidationError({"q": ["Give the words to find."]})
        if len(text) > search.MAX_QUERY_LENGTH:
            raise exceptions.ValidationError(
                {"q": [f"Searches are limited to {search.MAX_QUERY_LENGTH} characters."]}
            )
        hits = search.search(request.user, text)
        return Response(SearchResultsSerializer({"query": text, "results": hits}).data)
