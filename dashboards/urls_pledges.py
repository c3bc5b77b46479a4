"""URLs of the pledges pages (staff and public)."""

from django.urls import path

from dashboards.views import pledges

urlpatterns = [
    # the public board (no login)
    path("public/pledges/", pledges.public_board, name="public_pledges"),
    path("public/pledges/unit/<int:unit_id>/", pledges.public_unit, name="public_pledges_unit"),
    path("public/pledges/<int:pk>/", pledges.public_pledge, name="public_pledge"),
    path("public/pledges/<int:pk>/feedback/", pledges.public_feedback, name="public_pledge_feedback"),
    path("public/pledges/<int:pk>/vote/", pledges.public_vote, name="public_pledge_vote"),
    # units draft and update their pledges; media editors publish them
    path("unit/pledges/", pledges.unit_list, name="unit_pledges"),
    path("unit/pledges/new/", pledges.pledge_new, name="unit_pledge_new"),
    path("unit/pledges/<int:pk>/", pledges.pledge_manage, name="unit_pledge"),
    path("unit/pledges/<int:pk>/do/<slug:action>/", pledges.pledge_action, name="pledge_action"),
    path("editor/pledges/", pledges.editor_list, name="editor_pledges"),
    path("editor/pledges/new/", pledges.pledge_new, name="editor_pledge_new"),
    path("editor/pledges/<int:pk>/", pledges.pledge_manage, name="editor_pledge"),
]
