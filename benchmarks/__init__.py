"""Benchmarks: figures printed, not pass/fail tests (see benchmarks/benchmark.py)."""
