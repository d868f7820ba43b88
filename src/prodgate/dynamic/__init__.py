"""Dynamic checks: run the code under test, only in sandboxed child processes, and prove failures.

``prodgate fuzz`` lives here: target discovery, edge-biased Hypothesis strategies, the exception
oracle, scaling fits, race probes and reproducer tests. The parent process (prodgate itself)
never imports the code under test; ``worker`` is the child's entry point.
"""
