"""The admin shows pledges read only, with their history, to editors and supervisors; changes go through
hotline.pledges on the pledge pages, never through the admin."""

import pytest

from hotline import pledges
from tests.pledge_helpers import days, make_pledge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["editor", "supervisor"])
def test_editors_and_supervisors_read_pledges_and_their_history(client, people, units, who):
    user = people[who]
    user.is_staff = True
    user.save()
    pledge = make_pledge(people, units, items=["一组"])
    pledges.edit(pledge=pledge, by=people["liaison"], target_date=days(60), reason="雨季顺延")
    client.force_login(user)
    assert pledge.title in client.get("/admin/hotline/pledge/").content.decode()
    page = client.get(f"/admin/hotline/pledge/{pledge.pk}/change/")
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()  # nothing to edit
    history = client.get(f"/admin/hotline/pledge/{pledge.pk}/history/").content.decode()
    assert "雨季顺延" in history
    assert client.get("/admin/hotline/pledge/add/").status_code == 403
    response = client.post(f"/admin/hotline/pledge/{pledge.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and pledges.public_pledges().filter(pk=pledge.pk).exists()


def test_others_do_not_see_pledges_in_the_admin(client, people, units):
    operator = people["operator"]
    operator.is_staff = True
    operator.save()
    pledge = make_pledge(people, units)
    client.force_login(operator)
    assert client.get("/admin/hotline/pledge/").status_code == 403
    assert client.get(f"/admin/hotline/pledge/{pledge.pk}/change/").status_code == 403
