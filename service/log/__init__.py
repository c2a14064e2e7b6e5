"""The event log: the store and its SQL, records, codec, hash chain, sealing, keys, snapshots, feed.

Imports auth, db, telemetry, settings; never http, views or handlers.
"""
