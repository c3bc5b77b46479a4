"""The supervisor edits the ranking's weights on /supervisor/ranking/weights/: checked (0–100, one above 0,
at least one unit marked), kept in history with who changed what, shown as the last changes."""

from decimal import Decimal as D

import pytest

from hotline.models import RankingScheme

URL = "/supervisor/ranking/weights/"
VALID = {"signed_on_time": "20", "replied_on_time": "30", "satisfaction": "30", "resolution": "10",
         "not_returned": "5", "not_reopened": "5", "marked": "2", "min_received": "3"}


@pytest.fixture
def supervisor(client, people):
    client.force_login(people["supervisor"])
    return client


def test_the_supervisor_saves_the_weights_and_sees_the_change(supervisor, people):
    assert supervisor.get(URL).status_code == 200
    response = supervisor.post(URL, VALID)
    assert response.status_code == 302 and response.url == URL
    scheme = RankingScheme.current()
    assert (scheme.signed_on_time, scheme.marked, scheme.min_received, scheme.updated_by) == (
        D("20"), 2, 3, people["supervisor"])
    assert RankingScheme.objects.count() == 1
    supervisor.post(URL, {**VALID, "satisfaction": "45.5"})
    assert RankingScheme.objects.count() == 1
    history = RankingScheme.current().history.order_by("history_date")
    assert [h.satisfaction for h in history] == [D("30"), D("45.5")]
    assert {h.history_user for h in history} == {people["supervisor"]}
    page = supervisor.get(URL).content.decode()
    assert "满意率权重：30.00 → 45.50" in page and "设定了权重" in page and "supervisor" in page


@pytest.mark.parametrize("change, field", [
    ({"satisfaction": "100.5"}, "satisfaction"),
    ({"resolution": "-1"}, "resolution"),
    ({"marked": "0"}, "marked"),
    ({"min_received": "x"}, "min_received"),
])
def test_out_of_range_values_are_refused_on_their_field(supervisor, change, field):
    response = supervisor.post(URL, {**VALID, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not RankingScheme.objects.exists()


def test_all_weights_zero_is_refused(supervisor):
    zero = {**VALID, **{name: "0" for name in ("signed_on_time", "replied_on_time", "satisfaction", "resolution",
                                                "not_returned", "not_reopened")}}
    response = supervisor.post(URL, zero)
    assert response.status_code == 400
    assert "至少一项权重要大于0。" in response.content.decode()
    assert not RankingScheme.objects.exists()


@pytest.mark.parametrize("who", ["operator", "liaison", "editor"])
def test_only_the_supervisor_edits_the_weights(client, people, who):
    client.force_login(people[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert not RankingScheme.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url
