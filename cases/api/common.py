"""What the case and note endpoints share: how people appear, input checking, cursors."""

from rest_framework import serializers

from activity.pagination import IdCursorPagination


class PersonRefSerializer(serializers.Serializer):
    """How a person appears inside other objects: an id and a name, nothing more."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


def valid(serializer_class, data) -> dict:
    """The validated input, or a 400 in the API's error shape."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class NotesCursorPagination(IdCursorPagination):
    """Append-only lists page by cursor, newest first."""

    ordering = "-id"
    page_size = 50
    max_page_size = 200


class _IdList(serializers.ManyRelatedField):
    """A list of ids, and only a list: DRF takes any iterable, so an object ``{}`` would
    pass as no ids at all."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class IdsField(serializers.PrimaryKeyRelatedField):
    """Ids of objects of a queryset, given with ``many=True``: a list, never an object."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        field = super().many_init(*args, **kwargs)
        field.__class__ = _IdList
        return field
