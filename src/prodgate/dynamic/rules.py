"""The rule codes of dynamic findings (PG9xx): one metadata object each, as reports describe rules.

PG901 crash, PG902 hang, PG903 super-linear scaling, PG904 race, PG905 network access from a
fuzzed function. The oracle rule that decided a finding is in its ``oracle`` property.
"""

from __future__ import annotations

from prodgate.core.finding import Confidence, Severity
from prodgate.core.rule import RuleMeta

CRASH = RuleMeta("PG901", "crash-on-hinted-input", "dynamic.crash", Severity.HIGH, Confidence.HIGH, (248, 754),
                 "{function} raises {exception} on an input its type hints allow", tags=("fuzz",))
HANG = RuleMeta("PG902", "hang-on-hinted-input", "dynamic.hang", Severity.HIGH, Confidence.HIGH, (835, 400),
                "{function} does not return on a small input its type hints allow", tags=("fuzz",))
SCALING = RuleMeta("PG903", "super-linear-scaling", "dynamic.scaling", Severity.MEDIUM, Confidence.HIGH, (407,),
                   "{function} grows {growth} with input size and passes the budget at the production size",
                   tags=("fuzz", "performance"))
RACE = RuleMeta("PG904", "race-under-threads", "dynamic.race", Severity.HIGH, Confidence.MEDIUM, (362,),
                "{function} gives results under threads that no sequential order gives", tags=("fuzz", "concurrency"))
NETWORK = RuleMeta("PG905", "network-access-while-fuzzing", "dynamic.crash", Severity.LOW, Confidence.HIGH, (),
                   "{function} opens a network connection, so it cannot be fuzzed in isolation", tags=("fuzz",))

ALL = (CRASH, HANG, SCALING, RACE, NETWORK)
