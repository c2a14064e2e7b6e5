"""The one request pipeline for HTTP and WebSocket: endpoint, protocol, limits,
persisted queries, response cache, rate limit, GraphiQL.

Imports handlers, views, audit and below.
"""
