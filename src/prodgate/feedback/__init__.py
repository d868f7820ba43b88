"""Production feedback: incidents (tracebacks, Sentry events, OpenTelemetry exception events) grouped,
mapped back to the project's code, failure classes and rules, turned into policy weights and guidance."""
