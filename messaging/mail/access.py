"""Who may open a thread, a mailing's status and an attachment: the thread's participants, the
mailing's sender, and for a file the participants of its thread (or of a thread its mailing
made). Everybody else gets 404, the same as for a missing id."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.access import is_signed_in
from messaging.models import Attachment, Mailing, Participant

NOT_FOUND = "Переписка не найдена."


def access_thread(user, thread_id) -> Participant:
    """The user's membership of the thread, with the thread; 404 for anyone else."""
    membership = (Participant.objects.select_related("thread__mailing")
                  .filter(user_id=user.pk, thread_id=thread_id).first()
                  if is_signed_in(user) else None)
    if membership is None:
        raise Http404(NOT_FOUND)
    return membership


def access_mailing(user, mailing_id) -> Mailing:
    mailing = (Mailing.objects.filter(pk=mailing_id, sender_id=user.pk).first()
               if is_signed_in(user) else None)
    if mailing is None:
        raise Http404("Рассылка не найдена.")
    return mailing


def attachments_readable_by(user) -> QuerySet[Attachment]:
    if not is_signed_in(user):
        return Attachment.objects.none()
    takes_part = Participant.objects.filter(user=user)
    return Attachment.objects.filter(
        Exists(takes_part.filter(thread__messages=OuterRef("message_id")))
        | Exists(takes_part.filter(thread__mailing=OuterRef("mailing_id")))
        | Q(mailing__sender=user))
