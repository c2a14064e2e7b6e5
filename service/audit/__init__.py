"""Audit: the trail, the Merkle tree and its stored subtrees, signed checkpoints, proofs,
log verification.

Imports log, auth, db, telemetry, settings.
"""
