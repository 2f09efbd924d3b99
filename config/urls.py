from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

# Swagger UI: its start-up script is a separate file (the split view), but its page carries a
# small <style> block and its stylesheet draws icons from data: URLs. Only this page allows them.
api_docs = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("ops/", include("ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("integrations/facebook/", include("integrations.facebook.urls")),
    path("", include("dashboards.urls")),
    path("", include("grievances.urls")),
]
