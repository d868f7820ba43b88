"""Built-in rules, one module per rule, grouped by family (the hundreds digit of the code)."""
