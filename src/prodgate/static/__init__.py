"""Static analysis: parsing, the project index, the rule engine, dataflow, and the rules."""
