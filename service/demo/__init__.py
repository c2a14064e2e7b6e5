"""The synthetic city for `kinerja seed-demo`, fed through the real handlers.

Imports services and below.
"""
