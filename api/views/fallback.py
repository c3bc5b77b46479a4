"""Unknown paths under /api/: a JSON 404 in the one error shape, not Django's HTML page."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import gettext as _

from api.errors import error_body


@csrf_exempt  # it changes nothing: a POST to a mistyped path gets this JSON 404, not the CSRF page
def not_found(request, *args, **kwargs):
    return JsonResponse(error_body("not_found", _("没有这个接口。")), status=404)
