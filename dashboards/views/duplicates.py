"""疑似重复 on the ticket page (issue 8): dismissing a flag (不是重复). Merging goes through the
ticket page's merge action (dashboards.actions, workflow.merge); flags are for hotline staff only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboards.views.tickets import visible_ticket_or_404
from hotline import access
from hotline.errors import NotAllowed
from hotline.models import DuplicateFlag
from hotline.routing import duplicates


@login_required
@require_POST
def dismiss(request, number, flag_id):
    """不是重复: hide one flag of the ticket; answers the panel again for htmx, else back to the page."""
    ticket = visible_ticket_or_404(request.user, number)
    # refused before the flag is looked up, so a unit learns nothing about which flags exist
    if not access.can(request.user, "merge", ticket):
        raise PermissionDenied(_("您无权对该工单执行此操作。"))
    flag = DuplicateFlag.objects.select_related("candidate").filter(pk=flag_id, ticket=ticket).first()
    if flag is None:
        raise Http404(_("没有这条疑似重复记录。"))
    flag.ticket = ticket
    try:
        duplicates.dismiss(flag=flag, by=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    if request.htmx:
        shown = list(duplicates.open_flags(ticket)) if duplicates.shown_to(request.user, ticket) else []
        return render(request, "dashboards/_duplicate_flags.html", {"ticket": ticket, "duplicate_flags": shown})
    messages.success(request, _("已标记为不是重复：%(number)s。") % {"number": flag.candidate.number})
    return redirect("ticket_detail", number=ticket.number)
