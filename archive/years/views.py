from django.http import Http404


def years(request):
    raise Http404
