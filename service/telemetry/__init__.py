"""Metrics and logs. Imports settings only."""
