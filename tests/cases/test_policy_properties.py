"""Property-based tests of the access policy against a simple, independent oracle.

Random histories of sharing, unsharing, notes and note edits; afterwards, what every agency
sees through the policy must equal what the oracle says it may see.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from agencies.models import AgencyRole
from cases import access, services
from cases.models import AccessLevel, NoteVisibility
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person
from tests.cases.factories import CaseFactory

AGENCIES = 5  # index 0 leads the case

share = st.tuples(
    st.just("share"), st.integers(1, AGENCIES - 1), st.sampled_from(AccessLevel.values)
)
unshare = st.tuples(st.just("unshare"), st.integers(1, AGENCIES - 1))
add_note = st.tuples(
    st.just("note"),
    st.integers(0, AGENCIES - 1),
    st.sampled_from(NoteVisibility.values),
    st.frozensets(st.integers(0, AGENCIES - 1), max_size=AGENCIES),
)
edit_note = st.tuples(
    st.just("edit"),
    st.integers(0, 20),
    st.sampled_from(NoteVisibility.values),
    st.frozensets(st.integers(0, AGENCIES - 1), max_size=AGENCIES),
)
histories = st.lists(st.one_of(share, unshare, add_note, edit_note), max_size=25)

RANK = {"view": 1, "contribute": 2, "manage": 3}


class Oracle:
    """What each agency may see, kept with plain sets and dicts."""

    def __init__(self):
        self.levels = {0: "manage"}
        self.notes = {}  # note id -> (author index, visibility, restricted indexes)

    def can(self, index, level):
        return RANK.get(self.levels.get(index), 0) >= RANK[level]

    def sees_case(self, index):
        return index in self.levels

    def sees_note(self, index, note_id):
        _, visibility, restricted = self.notes[note_id]
        return self.sees_case(index) and (visibility == "case" or index in restricted)


class PolicyMatchesOracle(TestCase):
    def setUp(self):
        self.agencies = [AgencyFactory() for _ in range(AGENCIES)]
        task_force = TaskForceFactory(lead_agency=self.agencies[0])
        for agency in self.agencies[1:]:
            MembershipFactory(task_force=task_force, agency=agency)
        self.users = [person(a, role=AgencyRole.LIAISON) for a in self.agencies]
        self.case = CaseFactory(actor=self.users[0], task_force=task_force, title="Property case")

    def apply(self, oracle, step):
        kind = step[0]
        if kind == "share":
            _, index, level = step
            services.case_share(
                actor=self.users[0],
                case=self.case,
                agency=self.agencies[index],
                level=level,
                purpose="test",
            )
            oracle.levels[index] = level
        elif kind == "unshare":
            _, index = step
            if index in oracle.levels:
                services.case_unshare(
                    actor=self.users[0], case=self.case, agency=self.agencies[index]
                )
                del oracle.levels[index]
        elif kind == "note":
            _, author, visibility, restricted = step
            self.note(oracle, author, visibility, restricted)
        else:
            _, position, visibility, restricted = step
            if oracle.notes:
                note_id = sorted(oracle.notes)[position % len(oracle.notes)]
                self.edit(oracle, note_id, visibility, restricted)

    def _restriction(self, visibility, restricted):
        return [self.agencies[i] for i in restricted] if visibility == "restricted" else []

    def note(self, oracle, author, visibility, restricted):
        allowed = oracle.can(author, "contribute")
        valid_list = visibility == "case" or all(oracle.sees_case(i) for i in restricted)
        try:
            note = services.note_add(
                actor=self.users[author],
                case=self.case,
                body="text",
                visibility=visibility,
                restricted_to=self._restriction(visibility, restricted),
            )
        except PermissionDenied:
            assert not allowed
            return
        except ValidationError:
            assert allowed and not valid_list
            return
        assert allowed and valid_list
        oracle.notes[note.pk] = (
            author,
            visibility,
            frozenset(restricted) | {author} if visibility == "restricted" else frozenset(),
        )

    def edit(self, oracle, note_id, visibility, restricted):
        from cases.models import Note

        author, _, _ = oracle.notes[note_id]
        note = Note.objects.get(pk=note_id)
        valid_list = visibility == "case" or all(oracle.sees_case(i) for i in restricted | {author})
        try:
            services.note_edit(
                actor=self.users[author],
                note=note,
                expected_version=note.version,
                body=f"edit {note.version}",
                visibility=visibility,
                restricted_to=self._restriction(visibility, restricted),
            )
        except PermissionDenied:
            assert not oracle.can(author, "contribute")
            return
        except ValidationError:
            assert not valid_list
            return
        assert oracle.can(author, "contribute") and valid_list
        oracle.notes[note_id] = (
            author,
            visibility,
            frozenset(restricted) | {author} if visibility == "restricted" else frozenset(),
        )

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(histories)
    def test_every_agency_sees_exactly_what_the_oracle_allows(self, history):
        oracle = Oracle()
        for step in history:
            self.apply(oracle, step)
        for index, user in enumerate(self.users):
            sees_case = access.visible_cases(user).filter(pk=self.case.pk).exists()
            assert sees_case == oracle.sees_case(index)
            expected_notes = {n for n in oracle.notes if oracle.sees_note(index, n)}
            if sees_case:
                got = set(access.visible_notes(user, self.case).values_list("pk", flat=True))
                assert got == expected_notes
            for note_id in oracle.notes:
                try:
                    access.note_for(user, note_id)
                    found = True
                except Http404:
                    found = False
                assert found == (note_id in expected_notes)
