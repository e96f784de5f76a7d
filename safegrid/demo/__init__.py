"""The deterministic demo county (崇义县): `county.build_demo_county`, run by `manage.py seed_demo`."""
