from celery import shared_task


@shared_task(name="archive.build_archive_part")
def build_archive_part(archive_id, part):
    raise NotImplementedError  # the year-archive helper writes it


@shared_task(name="archive.resume_year_archives")
def resume_year_archives():
    raise NotImplementedError


@shared_task(name="archive.list_expired_archive_files")
def list_expired_archive_files():
    raise NotImplementedError
