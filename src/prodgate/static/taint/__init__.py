"""Taint tracking: untrusted data from sources to dangerous sinks, through a flow-sensitive
abstract interpretation of each function with constant folding and function summaries."""
