from django.http import HttpResponse


def _todo(request, pk=None):
    return HttpResponse("")


park_list = park_detail = parcel_list = parcel_detail = enterprise_list = enterprise_detail = _todo
parcel_map = parcel_geojson = _todo
