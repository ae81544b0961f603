"""What the journal tells the rest of the system. Other apps listen; the journal imports none.

`journal_changed` is sent by the change history's writer (`journal.services.history`), inside the
transaction of the write, with the history rows just saved: every write of lessons, marks,
absences, homework and final marks passes there, so a listener cannot miss one. A listener that
does outside work (a notification, a cache version) defers it with `transaction.on_commit`.
"""

from django.dispatch import Signal

journal_changed = Signal()  # sender: ChangeRecord; kwargs: rows (list of saved ChangeRecord)

# Sent by the demo's seeding (`journal.demo.build.seed_demo`) inside its transaction, once the
# school and its journals exist, so that other apps add their demo data. kwargs: today.
demo_seeded = Signal()
