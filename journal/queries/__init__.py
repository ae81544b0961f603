"""Reads that pages, reports and exports need, with their joins done up front. Nothing here
writes; writes are `journal.services`."""
