"""Residents' personal data (docs/privacy.md): the supervisor's search, export and erasure pages,
and the public privacy notice that a resident's first acknowledgement SMS links to.

Supervisors only (hotline.access: export_resident, erase_resident); every export and erasure is
recorded by hotline.privacy. Each page costs a fixed number of queries.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline import access, privacy
from hotline.errors import WorkflowError
from hotline.models import Resident


SEARCH_LIMIT = 20


def _require_supervisor(request, action="export_resident"):
    if not access.can(request.user, action):
        raise PermissionDenied(_("只有督办人员可以导出或删除群众个人信息。"))


@login_required
@require_GET
def resident_search(request):
    """群众个人信息: find a resident by phone (whole number, or its last four digits or more)."""
    _require_supervisor(request)
    text = request.GET.get("phone", "").strip()
    found = privacy.search_residents(text).annotate(ticket_count=Count("tickets"))
    residents = list(found[:SEARCH_LIMIT])
    return render(request, "dashboards/privacy/search.html", {"text": text, "residents": residents})


@login_required
@require_GET
def resident_privacy(request, resident_id):
    _require_supervisor(request)
    resident = get_object_or_404(Resident.objects.select_related("village"), pk=resident_id)
    held = Resident.objects.filter(pk=resident.pk).aggregate(
        tickets=Count("tickets", distinct=True),
        messages=Count("messages", distinct=True),
        calls=Count("calls", distinct=True),
        promotion_requests=Count("promotion_requests", distinct=True),
        pledge_votes=Count("pledge_votes", distinct=True),
    )
    context = {
        "resident": resident,
        "held": held,
        "exports": resident.exports.select_related("by").order_by("-at")[:10],
        "erasures": resident.erasures.select_related("by").order_by("-at")[:10],
        "may_erase": access.can(request.user, "erase_resident"),
        "retention_years": privacy.retention_years(),
    }
    return render(request, "dashboards/privacy/resident.html", context)


@login_required
@require_POST
def resident_export(request, resident_id):
    """A JSON file of everything held about the resident (the export is recorded)."""
    _require_supervisor(request)
    resident = get_object_or_404(Resident.objects.select_related("village"), pk=resident_id)
    data = privacy.export_resident(resident=resident, by=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="resident-{resident.pk}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def resident_erase(request, resident_id):
    _require_supervisor(request, "erase_resident")
    resident = get_object_or_404(Resident, pk=resident_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请勾选确认：删除后无法恢复。"))
        return redirect("resident_privacy", resident_id=resident.pk)
    if resident.erased_at is not None:
        messages.info(request, _("该群众的个人信息已经删除。"))
        return redirect("resident_privacy", resident_id=resident.pk)
    try:
        privacy.erase_resident(resident=resident, by=request.user, reason=request.POST.get("reason", ""))
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("resident_privacy", resident_id=resident.pk)
    messages.success(request, _("已删除该群众的个人信息，工单保留（已匿名）。"))
    return redirect("resident_privacy", resident_id=resident.pk)


@require_GET
def public_notice(request):
    """隐私说明: what the hotline keeps about residents, why, who sees it, for how long, and how to ask."""
    return render(
        request,
        "public/privacy.html",
        {
            "retention_years": privacy.retention_years(),
            "backup_keep_days": settings.HOTLINE.get("BACKUP_KEEP_DAYS", 0),
        },
    )
