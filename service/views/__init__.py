"""The read side: projector, row writes, rebuild, replay and as-of, pending, facts.

Imports log, auth, db, telemetry, settings.
"""
