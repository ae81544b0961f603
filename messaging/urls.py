from django.urls import include, path

app_name = "messaging"

urlpatterns = [
    path("mail/", include("messaging.mail.urls")),
    path("notices/", include("messaging.notices.urls")),
    path("notifications/", include("messaging.notifications.urls")),
    path("letters/", include("messaging.letters.urls")),
]
