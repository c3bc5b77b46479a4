from django.contrib.auth.decorators import login_required
from django.urls import include, path

from dashboards.views import auth, console, duplicates, public, supervisor, tickets, unit

urlpatterns = [
    path("", auth.home, name="home"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/password/", login_required(auth.PasswordChangeView.as_view()), name="password_change"),
    path(
        "accounts/password/done/",
        login_required(auth.auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    # operators
    path("console/", console.console, name="console"),
    path("console/queue/<str:queue>/", console.queue_fragment, name="console_queue"),
    path("console/calls/<int:call_id>/pop/", console.screen_pop, name="screen_pop"),
    path("residents/lookup/", console.resident_lookup, name="resident_lookup"),
    path("tickets/new/", console.ticket_new, name="ticket_new"),
    path("tickets/suggest-units/", console.suggest_units_fragment, name="suggest_units"),
    path("", include("dashboards.urls_reports")),  # first: its tickets/export.xlsx is no ticket number
    # every role, through the access rule
    path("tickets/", tickets.ticket_list, name="ticket_list"),
    path("tickets/<str:number>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<str:number>/do/<slug:action>/", tickets.ticket_action, name="ticket_action"),
    path("tickets/<str:number>/duplicates/<int:flag_id>/dismiss/", duplicates.dismiss, name="duplicate_dismiss"),
    path("calls/<int:call_id>/recording/", tickets.call_recording, name="call_recording"),
    # unit liaisons, heads and members
    path("unit/", unit.dashboard, name="unit"),
    path("unit/queue/", unit.queue_fragment, name="unit_queue"),
    # the supervisor
    path("supervisor/", supervisor.dashboard, name="supervisor"),
    path("supervisor/panel/<slug:panel>/", supervisor.panel_fragment, name="supervisor_panel"),
    # the public site (no login) and the public services' staff pages
    path("public/", public.home, name="public_home"),
    path("public/confirm/<uuid:token>/", public.confirm, name="public_confirm"),
    path("", include("dashboards.urls_promotions")),
    path("", include("dashboards.urls_pledges")),
    path("", include("dashboards.urls_guides")),
    path("", include("dashboards.urls_ranking")),
    path("", include("dashboards.urls_kpis")),
    path("", include("dashboards.urls_privacy")),
]
