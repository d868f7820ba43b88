"""Performance rules: queries and remote calls repeated once per row of another query."""
