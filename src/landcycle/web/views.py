from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok")


def overview(request):
    return HttpResponse("")


audit_list = area_pending = overview
