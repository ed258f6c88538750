"""Benchmarks of the NLU platform: ``bench/run`` (see the README's "Benchmarks" section)."""
