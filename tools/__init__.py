"""Maintenance commands of the course: `python -m tools.<name> --help`."""
