import pytest

from tests.activities.factories import build_activity_world


@pytest.fixture
def aw(world):
    """The world, plus a city service (the city agent's), a periscolaire site (the animator's)
    and the city's three family-quotient brackets (A, B, C)."""
    return build_activity_world(world)
