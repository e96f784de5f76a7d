import pytest

from .world import seed_emergency


@pytest.fixture
def e(world):
    return seed_emergency(world)
