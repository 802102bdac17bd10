"""Shared machinery of the lessons: data, loops, device, results, command line.

A lesson script defines its network and settings and calls ``run_lesson``.
"""
from .lesson import run_lesson

__all__ = ["run_lesson"]
