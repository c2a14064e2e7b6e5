"""Hostile input and faults: every abuse a client or the network can throw, on every transport."""
