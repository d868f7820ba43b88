"""The ``pytest11`` entry point ``prodgate-chaos``: loads ``plugin`` unless ``-p`` already did.

A module registered twice under two names is an error in pytest, so the entry point names this
module, which only lists the plugin; pytest imports it once whichever way it was asked for.
"""

pytest_plugins = ["prodgate.dynamic.chaos.plugin"]
