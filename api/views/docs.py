"""The OpenAPI document and the Swagger UI, whose errors (a 429, say) come in the one JSON shape too,
not rendered as YAML or HTML by the views' own renderers."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer


class _JsonErrors:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(_JsonErrors, SpectacularAPIView):
    pass


class DocsView(_JsonErrors, SpectacularSwaggerSplitView):
    """The split view serves its init script from ?script, not inline: the Content-Security-Policy
    runs no inline script. Its page template has no inline style either (templates/api/swagger_ui.html)."""

    template_name = "api/swagger_ui.html"
