"""Who is calling and what they may do: token verification, roles, the read/write policy.

Imports settings and errors only.
"""
