"""``prodgate chaos``: fault injection into the project's own test suite.

A pytest plugin (``plugin``) records every outbound dependency call each test makes, with its
call site in the project's code, and re-runs the tests that reach a site with one fault injected
at the client library boundary (``clients``), so the code under test sees exactly what the real
library raises or returns. ``runner`` drives the runs in child processes and ``classify`` turns
each outcome into findings. The plugin is inert unless one of its options is given.
"""
