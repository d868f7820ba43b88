"""The command line: argument parsing, progress display, exit codes."""
