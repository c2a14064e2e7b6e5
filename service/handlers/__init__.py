"""Command handlers: the envelope (context + repository), one module per context, identity,
rule sets, award facts.

Imports log, auth, db, telemetry, settings.
"""
