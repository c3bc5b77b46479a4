"""Admin pages that follow the access rule rather than model permissions: the supervisor's alone."""

from hotline import access


class SupervisorOnly:
    def has_module_permission(self, request):
        return access.is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_supervisor(request.user)


class SupervisorReadOnly(SupervisorOnly):
    """Records written by the system (or its services), never edited in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
