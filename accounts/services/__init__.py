"""Every write of accounts for families' access and personal data: one function per use case."""
