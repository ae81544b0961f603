"""Celery tasks of this part of the messaging app."""

from __future__ import annotations

from celery import shared_task

from messaging.letters.services import make_letter

__all__ = ["make_information_letter"]


# Rendering fails the same way when tried again: a failed letter records why and is ordered
# anew from the page.
@shared_task(name="messaging.make_information_letter")
def make_information_letter(letter_id: int) -> str:
    return make_letter(letter_id)
