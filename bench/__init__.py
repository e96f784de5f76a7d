"""Benchmarks (not tests): `make bench` / `make bench-smoke` run `python -m bench.run` (issue 9)."""
