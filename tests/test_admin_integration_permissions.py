"""The supervisor manages API tokens, upstream platforms and their webhooks in the admin; operators do not."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db  # the permissions come from the migrations (hotline 0008)


@pytest.fixture
def staff(people):
    for role in ("supervisor", "operator"):
        people[role].is_staff = True
        people[role].save()
    return people


@pytest.mark.parametrize("url", ["/admin/authtoken/tokenproxy/", "/admin/hotline/upstreamsystem/", "/admin/hotline/webhookdelivery/"])
def test_the_supervisor_opens_the_integration_admin_pages(client, staff, url):
    supervisor = staff["supervisor"]
    supervisor.groups.set([Group.objects.get(name="supervisor")])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    client.force_login(staff["operator"])
    assert client.get(url).status_code == 403
