def test_world_builds(world):
    assert world.g11.path == "/360000/360700/360725/360725100/360725100001/"
