"""The reports: one module each, a function from a scope and a span to a `Table`."""
