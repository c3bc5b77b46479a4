"""The public ranking: nothing is public until the supervisor publishes a month; the public table is the
snapshot taken then (later appeals do not move it, publishing again replaces it); withdrawn months are gone."""

import datetime as dt

import pytest

from hotline import appeals, ranking
from hotline.models import KpiAppeal, RankingPublication
from tests.conftest import at

STAFF = "/supervisor/ranking/"


@pytest.fixture
def march(monday, time_machine, make_ticket):
    make_ticket("closed")
    late = make_ticket("dispatched", lead="water")
    time_machine.move_to(at(2026, 4, 10, 10, 0), tick=False)
    return late


def table(client, month):
    html = client.get(f"/public/ranking/{month}/").content.decode()
    return html[html.index("<table"):html.index("</table>")]


def publish(client, month, action="publish"):
    return client.post(STAFF, {"action": action, "month": month})


def test_nothing_is_public_until_published_and_nothing_after_withdrawal(client, people, march):
    assert client.get("/public/ranking/2026-03/").status_code == 404
    assert "单位排名" not in client.get("/public/pledges/").content.decode()

    client.force_login(people["supervisor"])
    response = publish(client, "2026-03")
    assert response.status_code == 302 and response.url == f"{STAFF}?month=2026-03"
    assert "已公开2026-03的单位排名。" in client.get(response.url).content.decode()
    client.logout()

    page = client.get("/public/ranking/2026-03/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "区交通运输局" in html and "区水务局" in html and "红榜" in html and "黑榜" in html
    assert html.index("区交通运输局") < html.index("区水务局")
    listing = client.get("/public/ranking/").content.decode()
    assert 'href="/public/ranking/2026-03/"' in listing
    assert 'href="/public/ranking/">单位排名</a>' in client.get("/public/pledges/").content.decode()

    client.force_login(people["supervisor"])
    assert publish(client, "2026-03", "withdraw").status_code == 302
    client.logout()
    assert client.get("/public/ranking/2026-03/").status_code == 404
    assert "2026-03" not in client.get("/public/ranking/").content.decode()
    assert "单位排名</a>" not in client.get("/public/pledges/").content.decode()
    publication = RankingPublication.objects.get()
    assert [h.published for h in publication.history.order_by("history_date")] == [True, False]
    assert {h.history_user for h in publication.history.all()} == {people["supervisor"]}


def test_the_public_table_is_a_snapshot_until_published_again(client, people, march):
    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    before = table(client, "2026-03")
    assert "10.00" in before  # water: late twice, nothing returned

    appeal = appeals.request(assignment=march.assignments.get(role="lead"), metric=KpiAppeal.Metric.SIGNED_ON_TIME,
                             reason="系统故障", by=people["other_liaison"])
    appeals.decide(appeal=appeal, approve=True, by=people["supervisor"])
    assert table(client, "2026-03") == before  # the public table does not move

    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    after = table(client, "2026-03")
    assert "14.29" in after and "10.00" not in after
    assert RankingPublication.objects.count() == 1


def test_the_snapshot_holds_names_ranks_scores_and_rates_only(people, march, resident):
    publication = ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    roads = publication.rows[0]
    assert set(roads) == {"unit", "unit_kind", "rank", "mark", "score", "received", "signed_on_time_rate",
                          "replied_on_time_rate", "satisfaction_rate", "resolution_rate", "return_rate", "reopen_rate"}
    assert (roads["unit"], roads["rank"], roads["mark"], roads["score"]) == ("区交通运输局", 1, "red", "100.00")
    text = str(publication.rows)
    assert resident.name not in text and str(resident.phone)[3:] not in text


def test_months_are_listed_newest_first(client, people, march):
    ranking.publish(month=dt.date(2026, 2, 1), by=people["supervisor"])
    ranking.publish(month=dt.date(2026, 4, 1), by=people["supervisor"])
    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    html = client.get("/public/ranking/").content.decode()
    assert html.index("2026-04") < html.index("2026-03") < html.index("2026-02")


def test_a_month_to_come_cannot_be_published(client, people, march):
    client.force_login(people["supervisor"])
    response = publish(client, "2026-05")
    assert response.status_code == 400 and "这个月还没有到。" in response.content.decode()
    response = publish(client, "2026-04", "withdraw")
    assert response.status_code == 400 and "这个月的排名没有公开。" in response.content.decode()
    assert publish(client, "2026-04", "delete").status_code == 400
    assert not RankingPublication.objects.exists()


@pytest.mark.parametrize("month", ["2026-3", "abcd-ef", "2026-13", "2026-03-01"])
def test_malformed_public_months_are_404(client, db, month):
    assert client.get(f"/public/ranking/{month}/").status_code == 404


def test_the_public_month_fits_in_few_queries(client, people, march, django_assert_num_queries):
    ranking.publish(month=dt.date(2026, 3, 1), by=people["supervisor"])
    with django_assert_num_queries(1):
        assert client.get("/public/ranking/2026-03/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/public/ranking/").status_code == 200
