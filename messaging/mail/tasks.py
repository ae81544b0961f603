"""Celery tasks of this part of the messaging app."""
