"""The `kinerja` command line: the typer app, one module per command group, the importers.

Top of the service.
"""
