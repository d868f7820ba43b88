"""PG90x: the rules of ``prodgate fuzz``, one module per rule (registered as the ``dynamic`` entry point).

PG901 crash, PG902 hang, PG903 super-linear scaling, PG904 race, PG905 network access from a
fuzzed function. The fuzzer proves them; these modules hold their metadata, documentation and
examples. The oracle rule that decided a finding is in its ``oracle`` property.
"""

from __future__ import annotations

FUZZ_STAGE = "fuzz"
