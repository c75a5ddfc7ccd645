"""The command line: ``python -m review_app COMMAND ...``. One module a command."""
