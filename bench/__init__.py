"""Benchmarks (scripts, not tests): run them as ``python bench/<name>.py``."""
