"""Every write to journal data goes through these modules (and records its history)."""
