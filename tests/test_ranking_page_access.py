"""Who reads the ranking page (operators and supervisors), who acts on it (the supervisor), and bad months."""

import pytest

URL = "/supervisor/ranking/"


@pytest.mark.parametrize("who", ["operator", "supervisor"])
def test_operators_and_supervisors_read_the_ranking(client, people, who):
    client.force_login(people[who])
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "单位考核排名" in page and 'href="/supervisor/ranking/"' in page  # in the nav
    assert ("公开本月排名" in page) == (who == "supervisor")
    assert ('href="/supervisor/ranking/weights/"' in page) == (who == "supervisor")


@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor"])
def test_unit_users_and_editors_may_not(client, people, who):
    client.force_login(people[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "publish", "month": "2026-03"}).status_code == 403
    assert 'href="/supervisor/ranking/"' not in client.get("/tickets/").content.decode()


def test_operators_may_not_publish(client, people):
    client.force_login(people["operator"])
    assert client.post(URL, {"action": "publish", "month": "2026-03"}).status_code == 403


@pytest.mark.parametrize("month", ["2026-13", "26-03", "2026-3", "abc", "2026-03-01", "1999-01"])
def test_a_malformed_month_is_a_400_with_a_message(client, people, month):
    client.force_login(people["supervisor"])
    response = client.get(URL, {"month": month})
    assert response.status_code == 400
    assert "月份格式应为“年-月”，如 2026-10。" in response.content.decode()


def test_a_month_still_to_come_is_a_400(client, people, monday):
    client.force_login(people["supervisor"])
    response = client.get(URL, {"month": "2026-04"})
    assert response.status_code == 400 and "这个月还没有到。" in response.content.decode()
    assert client.get(URL, {"month": "2026-03"}).status_code == 200


def test_without_a_month_the_page_shows_last_month(client, people, monday):
    client.force_login(people["operator"])
    page = client.get(URL).content.decode()
    assert "单位考核排名（红黑榜）2026-02" in page


def test_the_supervisor_dashboard_links_to_the_ranking(client, people):
    client.force_login(people["supervisor"])
    assert 'href="/supervisor/ranking/"' in client.get("/supervisor/").content.decode()
