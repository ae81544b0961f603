"""Reads that the accounts pages, services and reports need, with their joins done up front.
Lists are scoped to one school."""
