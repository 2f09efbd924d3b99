from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from offices.selectors import name_order, office_list


def home(request: HttpRequest) -> HttpResponse:
    offices = office_list(kind="district").order_by(name_order("district__"))
    return render(request, "home.html", {"district_offices": offices})
