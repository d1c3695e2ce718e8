from tests.tips.world import other_case  # noqa: F401
