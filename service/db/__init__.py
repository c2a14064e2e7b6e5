"""PostgreSQL: where it comes from (URL or embedded), connections, migrations, roles, start checks.

Imports telemetry and settings only.
"""
