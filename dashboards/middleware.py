from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """A fragment refreshed by htmx after the session expired would get the login page swapped into
    a card; send the whole page to the login instead, coming back to that page afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if htmx and response.status_code == 302:
            login = resolve_url(settings.LOGIN_URL)
            if response["Location"].split("?")[0] == login:
                page = htmx.current_url_abs_path or "/"
                return HttpResponseClientRedirect(f"{login}?{urlencode({'next': page})}")
        return response
