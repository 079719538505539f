"""The command line: click wiring only."""
