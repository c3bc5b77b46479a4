"""The one access rule: which tickets a user may see, and what they may do to one.

Views, the API, exports, WebSocket consumers and the workflow all ask here.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from hotline import roles
from hotline.errors import NotAllowed
from hotline.models import Assignment, Ticket, UpstreamSystem

# Workflow actions and the roles that may take them. Unit actions also need the
# user's unit to hold the ticket's current lead assignment (see can()).
HOTLINE_ACTIONS = {
    "receive": {roles.OPERATOR, roles.SUPERVISOR},
    "answer": {roles.OPERATOR, roles.SUPERVISOR},
    "refer_emergency": {roles.OPERATOR, roles.SUPERVISOR},
    "mark_invalid": {roles.OPERATOR, roles.SUPERVISOR},
    "dispatch": {roles.OPERATOR, roles.SUPERVISOR},
    "decide_return": {roles.OPERATOR, roles.SUPERVISOR},
    "decide_extension": {roles.SUPERVISOR},
    "review": {roles.OPERATOR, roles.SUPERVISOR},
    "record_satisfaction": {roles.OPERATOR, roles.SUPERVISOR},
    "reopen": {roles.OPERATOR, roles.SUPERVISOR},
    "close": {roles.OPERATOR, roles.SUPERVISOR},
    "supervise": {roles.SUPERVISOR},
    "merge": {roles.OPERATOR, roles.SUPERVISOR},
    "name_reported_unit": {roles.OPERATOR, roles.SUPERVISOR},
    # issue 4: an operator refers a unit's return request to the supervisor (disputed returns)
    "escalate_return": {roles.OPERATOR},
    # issue 4: the landline callback list: the resident was told the update by phone
    "mark_called": {roles.OPERATOR, roles.SUPERVISOR},
    # issue 5: show a ticket on Open311 with an operator-written summary, or withdraw it (workflow.publish/unpublish)
    "publish": {roles.OPERATOR, roles.SUPERVISOR},
    # issue 7: 催办, the resident asked again about an open ticket (workflow.urge)
    "urge": {roles.OPERATOR, roles.SUPERVISOR},
    # issue 8: past work orders from a spreadsheet (workflow.import_closed_ticket, manage.py import_tickets)
    "import_tickets": {roles.SUPERVISOR},
    # issue 10: a resident's request for their personal data: export it, or erase it (hotline.privacy)
    "export_resident": {roles.SUPERVISOR},
    "erase_resident": {roles.SUPERVISOR},
}
LEAD_UNIT_ACTIONS = {
    "sign": {roles.UNIT_LIAISON, roles.UNIT_HEAD},
    "hand_over": {roles.UNIT_LIAISON, roles.UNIT_HEAD},
    "request_return": {roles.UNIT_LIAISON, roles.UNIT_HEAD},
    "request_extension": {roles.UNIT_LIAISON, roles.UNIT_HEAD},
    "reply": {roles.UNIT_LIAISON, roles.UNIT_HEAD, roles.UNIT_MEMBER},
    # ask the hotline to bridge a call to a resident the unit may not see (hotline.intake.masked_calls);
    # only on tickets that hide the resident: otherwise the unit simply calls the number it sees
    "masked_call": {roles.UNIT_LIAISON, roles.UNIT_HEAD, roles.UNIT_MEMBER},
}
# An upstream platform's login hands tickets over and reads their progress; the hotline does the rest.
UPSTREAM_ACTIONS = {"receive", "note"}
# What the system login does on behalf of residents (SMS), the sweep and tasks.
SYSTEM_ACTIONS = {"receive", "record_satisfaction", "close", "supervise", "remind", "note", "urge", "import_tickets"}
# the nightly retention job erases residents whose data is past the retention period (hotline.privacy)
SYSTEM_ACTIONS |= {"erase_resident"}


def roles_of(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_hotline_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hotline_roles = cached
    return cached


def is_system(user):
    return user is not None and user.get_username() == roles.SYSTEM_USERNAME


def is_hotline_staff(user):
    """Operators and supervisors: the hotline itself, who see every ticket."""
    return bool(roles_of(user) & roles.HOTLINE_ROLES) or is_system(user) or bool(
        getattr(user, "is_superuser", False)
    )


def is_supervisor(user):
    return roles.SUPERVISOR in roles_of(user) or bool(getattr(user, "is_superuser", False))


def unit_of(user):
    """The unit a unit user belongs to (None for hotline staff)."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_hotline_unit", False)
    if cached is False:
        staff = getattr(user, "staff", None)  # None when the user has no StaffProfile
        cached = staff.unit if staff is not None else None
        user._hotline_unit = cached
    return cached


def is_unit_user(user):
    return bool(roles_of(user) & roles.UNIT_ROLES) and unit_of(user) is not None


def upstream_system_of(user):
    """The upstream 12345 platform whose API login this is (None for people)."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_hotline_upstream", False)
    if cached is False:
        cached = None
        # platform logins have the operator role and nothing else (hotline.admin_upstream checks)
        if roles_of(user) == {roles.OPERATOR} and not getattr(user, "is_superuser", False):
            cached = UpstreamSystem.objects.filter(user=user).first()
        user._hotline_upstream = cached
    return cached


def visible_tickets(user, queryset=None):
    """The tickets this user may see, as a queryset."""
    qs = Ticket.objects.all() if queryset is None else queryset
    if is_hotline_staff(user):
        system = upstream_system_of(user)
        if system is not None:
            return qs.filter(source_system=system)  # a platform sees the tickets it handed over, nothing else
        return qs
    unit = unit_of(user)
    user_roles = roles_of(user)
    if unit is None or not (user_roles & roles.UNIT_ROLES):
        return qs.none()
    # only the current round: a unit that returned a ticket, or was replaced at reopen, no longer holds it
    held = Assignment.objects.filter(ticket=OuterRef("pk"), unit=unit, is_current=True)
    if not (user_roles & {roles.UNIT_LIAISON, roles.UNIT_HEAD}):
        # a colleague or grid worker sees only what was handed to them
        held = held.filter(handler=user)
    # a report about a unit is never shown to that unit
    return qs.filter(Exists(held)).exclude(reported_unit=unit)


def can_see(user, ticket):
    return visible_tickets(user, Ticket.objects.filter(pk=ticket.pk)).exists()


def sees_resident(user, ticket):
    """False where the resident's name and phone must be hidden from this user."""
    if is_hotline_staff(user):
        return True
    return not ticket.hides_resident_from_units


def current_lead(ticket):
    # A page that asks `can` for many actions loads the lead once and sets
    # `_page_current_lead` on its own instance (see dashboards); nobody else does.
    if "_page_current_lead" in ticket.__dict__:
        return ticket._page_current_lead
    return ticket.assignments.filter(is_current=True, role=Assignment.Role.LEAD).select_related("unit").first()


def can(user, action, ticket=None):
    """May `user` take workflow `action` on `ticket`? (State is checked by the workflow.)"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if is_system(user):
        return action in SYSTEM_ACTIONS
    if upstream_system_of(user) is not None and action not in UPSTREAM_ACTIONS:
        return False
    user_roles = roles_of(user)
    if getattr(user, "is_superuser", False):
        user_roles = user_roles | {roles.SUPERVISOR}
    if action in HOTLINE_ACTIONS:
        return bool(user_roles & HOTLINE_ACTIONS[action])
    if action == "note":
        return ticket is not None and can_see(user, ticket)
    if action in LEAD_UNIT_ACTIONS:
        if ticket is None or not (user_roles & LEAD_UNIT_ACTIONS[action]):
            return False
        unit = unit_of(user)
        if unit is None or ticket.reported_unit_id == unit.pk:
            return False
        if action == "masked_call" and not ticket.hides_resident_from_units:
            return False
        lead = current_lead(ticket)
        if lead is None or lead.unit_id != unit.pk:
            return False
        if not (user_roles & {roles.UNIT_LIAISON, roles.UNIT_HEAD}):
            return lead.handler_id == user.pk
        return True
    return False


def check(user, action, ticket=None):
    """Raise NotAllowed unless `user` may take `action` on `ticket`."""
    if not can(user, action, ticket):
        raise NotAllowed(_("您无权对该工单执行此操作。"))


def event_groups_for(user):
    """The live-event groups a dashboard socket of this user joins."""
    groups = []
    user_roles = roles_of(user)
    if roles.OPERATOR in user_roles:
        groups.append("operators")
    if is_supervisor(user):
        groups.append("supervisors")
    unit = unit_of(user)
    if unit is not None and user_roles & roles.UNIT_ROLES:
        groups.append(f"unit-{unit.pk}")
    return groups


def unit_users(unit, *, role_names):
    """Active users of `unit` holding any of `role_names` (for notices by SMS)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, staff__unit=unit, groups__name__in=list(role_names))
        .select_related("staff")
        .distinct()
    )


def hotline_users(*, role_names):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(role_names))
        .select_related("staff")
        .distinct()
    )


__all__ = [
    "can",
    "can_see",
    "check",
    "event_groups_for",
    "is_hotline_staff",
    "is_supervisor",
    "roles_of",
    "sees_resident",
    "unit_of",
    "visible_tickets",
]


# --- the public services: promotions, pledges, service guides (issue 6) ---------------------------
# The same rule for their pages, API and exports: media editors (and supervisors) run them;
# a unit's liaison and head draft their own unit's pledges and guides; the public reads
# only what is published, through the selectors in hotline.promotions/pledges/guides.


def is_media_editor(user):
    """Media editors run the public services; supervisors may do all an editor does."""
    return roles.MEDIA_EDITOR in roles_of(user) or is_supervisor(user)


def may_take_promotions(user):
    """Operators record promotion requests taken on the phone; editors too."""
    return is_media_editor(user) or roles.OPERATOR in roles_of(user)


def drafting_unit(user):
    """The unit whose pledges and guides this user may draft and update (liaison or head), or None."""
    if roles_of(user) & {roles.UNIT_LIAISON, roles.UNIT_HEAD}:
        return unit_of(user)
    return None


def may_edit_unit_content(user, unit_id):
    """May `user` draft or update a pledge or guide of this unit? Editors may for every unit."""
    if is_media_editor(user):
        return True
    unit = drafting_unit(user)
    return unit is not None and unit.pk == unit_id


def editable_by(user, queryset):
    """Pledges or guides (anything with a `unit`) this user may draft, update or (editors) publish."""
    if is_media_editor(user):
        return queryset
    unit = drafting_unit(user)
    return queryset.filter(unit=unit) if unit is not None else queryset.none()
