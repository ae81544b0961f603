from django.contrib.admin.apps import AdminConfig


class EjournalAdminConfig(AdminConfig):
    default_site = "ejournal.admin_site.EjournalAdminSite"
