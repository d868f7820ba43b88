"""Memory rules: whole datasets or streams loaded at once, and caches that only grow."""
