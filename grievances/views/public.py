from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from offices.selectors import office_list


def home(request: HttpRequest) -> HttpResponse:
    offices = office_list(kind="district").order_by("district__name_en")
    return render(request, "home.html", {"district_offices": offices})
