"""PG950-PG953: the rules of ``prodgate chaos``, one module per rule (the ``chaos`` entry point).

PG950 a fault escapes as a low-level library exception, PG951 a fault makes a test hang, PG952
a fault sets off a retry storm, PG953 an error answer is used as data and corrupts the result.
The chaos runner proves them by injecting faults into the project's tests; these modules hold
their metadata, documentation and examples. An example is a module holding the code and the
test that exercises it; its ``api_url`` fixture is a real HTTP server on loopback answering
``{"rate": 1.1}``.
"""

from __future__ import annotations

CHAOS_STAGE = "chaos"
