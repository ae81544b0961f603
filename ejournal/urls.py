from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ejournal.bench_views import bare_page
from ejournal.health import healthz
from ejournal.pages import favicon
from journal.views.home import home

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    # 404 unless settings.BENCHMARK_VIEWS (the load benchmark turns it on).
    path("bench/bare/", bare_page, name="bench_bare"),
    path("admin/", admin.site.urls),
    # The families' evening peak is the diary's: matched before the long lists below.
    path("diary/", include("diary.urls")),
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("", include("accounts.role_urls")),
    path("", include("accounts.family_urls")),
    path("journal/", include("journal.urls")),
    path("messages/", include("messaging.urls")),
    path("reports/", include("exports.urls")),
    path("exports/", include("exports.portal.urls")),
    path("archive/", include("archive.urls")),
]

handler400 = "ejournal.pages.bad_request"
handler403 = "ejournal.pages.permission_denied"
handler404 = "ejournal.pages.page_not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
