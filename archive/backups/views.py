from django.http import Http404


def backups(request):
    raise Http404
