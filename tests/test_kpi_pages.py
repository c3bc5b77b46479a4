"""The KPI pages: /supervisor/kpis/ for operators and supervisors, /unit/kpis/ for a unit's own figures."""

import re

import pytest

from tests.kpi_helpers import Flow


@pytest.fixture
def march(time_machine, people, units, village):
    """Two roads tickets and one water ticket dispatched in March 2026; the clock on 10 March."""
    flow = Flow(time_machine, people, units)
    flow.at(2026, 3, 2, 10, 0)
    signed = flow.dispatch(kind="complaint", village=village)
    flow.dispatch(kind="help")
    water = flow.dispatch(lead="water", kind="consultation", channel="sms")
    flow.at(2026, 3, 2, 11, 0)
    flow.sign(signed)
    flow.sign(water, "water")
    flow.at(2026, 3, 10, 10, 0)
    return flow


def cells(html, row_id):
    """The text of the cells of the table row with `row_id`."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)[1]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def unit_cells(html, table_id, name):
    table = re.search(rf'<table class="kpi-table" id="{table_id}">(.*?)</table>', html, re.S)[1]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        texts = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if texts and texts[0] == name:
            return texts
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "operator"])
def test_operators_and_the_supervisor_see_every_unit_and_the_overall_row(client, people, march, who):
    client.force_login(people[who])
    response = client.get("/supervisor/kpis/?month=2026-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert "考核统计（2026-03）" in html
    # received, 及时签收率, 退单率, 按时办结率, 满意率, 解决率, 重办率, hours ×2, 催办
    assert unit_cells(html, "kpi-units", "区交通运输局") == [
        "区交通运输局", "2", "50.0%", "0.0%", "0.0%", "—", "—", "—", "1.0", "—", "0",
    ]
    assert unit_cells(html, "kpi-units", "区水务局")[:3] == ["区水务局", "1", "100.0%"]
    assert unit_cells(html, "kpi-units", "青山镇")[1:3] == ["0", "—"]
    assert cells(html, "kpi-overall")[:3] == ["全部单位", "3", "66.7%"]
    # every figure's label carries its definition
    assert '<abbr class="kpi" title="期内派单中签收期限内签收的件数' in html
    assert unit_cells(html, "kpi-by-kind", "投诉")[:2] == ["投诉", "1"]
    assert unit_cells(html, "kpi-by-channel", "短信")[:2] == ["短信", "1"]
    assert unit_cells(html, "kpi-by-village", "青山镇石门村")[:2] == ["青山镇石门村", "1"]
    assert 'href="/supervisor/kpis/export.xlsx?month=2026-03"' in html
    assert ("考核申诉（待审核 0）" in html) == (who == "supervisor")


@pytest.mark.django_db
def test_the_table_sorts_by_a_column(client, people, march):
    client.force_login(people["supervisor"])
    html = client.get("/supervisor/kpis/?month=2026-03&sort=signed_on_time_rate").content.decode()
    body = re.search(r'id="kpi-units">.*?<tbody>(.*?)</tbody>', html, re.S)[1]
    assert re.findall(r'<th scope="row">(.*?)</th>', body) == ["区水务局", "区交通运输局", "青山镇"]


@pytest.mark.django_db
def test_the_default_period_is_this_month_and_a_year_or_custom_days_can_be_chosen(client, people, march):
    client.force_login(people["supervisor"])
    assert "考核统计（2026-03）" in client.get("/supervisor/kpis/").content.decode()
    html = client.get("/supervisor/kpis/?year=2026").content.decode()
    assert "考核统计（2026年）" in html and cells(html, "kpi-overall")[1] == "3"
    html = client.get("/supervisor/kpis/?start=2026-03-03&end=2026-03-31").content.decode()
    assert "考核统计（2026-03-03 至 2026-03-31）" in html and cells(html, "kpi-overall")[1] == "0"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ("month=2026-13", "月份“2026-13”无效"),
        ("month=march", "月份“march”无效"),
        ("year=26", "年份“26”无效"),
        ("year=1900", "年份“1900”无效"),
        ("start=2026-03-01", "同时填写开始日期和结束日期"),
        ("start=2026-02-30&end=2026-03-01", "开始日期“2026-02-30”无效"),
        ("start=2026-03-05&end=2026-03-01", "开始日期不能晚于结束日期"),
        ("start=2000-01-01&end=2099-01-01", "最长十年"),
    ],
)
def test_a_bad_period_is_a_400_with_a_message(client, people, query, message):
    client.force_login(people["supervisor"])
    for url in ("/supervisor/kpis/", "/supervisor/kpis/export.xlsx", "/unit/kpis/"):
        if url == "/unit/kpis/":
            client.force_login(people["liaison"])
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert message in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["liaison", "head", "member", "editor"])
def test_unit_users_and_editors_may_not_see_every_units_figures(client, people, who):
    client.force_login(people[who])
    assert client.get("/supervisor/kpis/").status_code == 403
    assert client.get("/supervisor/kpis/export.xlsx").status_code == 403
    assert client.get("/supervisor/kpis/appeals/").status_code == 403


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in ("/supervisor/kpis/", "/supervisor/kpis/export.xlsx", "/unit/kpis/", "/supervisor/kpis/appeals/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_unit_page_shows_only_the_users_own_unit(client, people, march):
    client.force_login(people["other_liaison"])  # the water bureau
    html = client.get("/unit/kpis/?month=2026-03").content.decode()
    assert "区水务局考核统计（2026-03）" in html
    assert unit_cells(html, "kpi-unit", "区水务局")[:3] == ["区水务局", "1", "100.0%"]
    assert "区交通运输局" not in html and "全部单位" not in html
    assert unit_cells(html, "kpi-by-kind", "咨询")[:2] == ["咨询", "1"]
    assert unit_cells(html, "kpi-by-kind", "投诉") is None  # the roads bureau's complaint
    assert unit_cells(html, "kpi-by-village", "青山镇石门村") is None  # the roads complaint's village
    assert unit_cells(html, "kpi-by-village", "未填写")[:2] == ["未填写", "1"]

    client.force_login(people["member"])  # the roads bureau: figures yes, appeal forms no
    html = client.get("/unit/kpis/?month=2026-03").content.decode()
    assert unit_cells(html, "kpi-unit", "区交通运输局")[:3] == ["区交通运输局", "2", "50.0%"]
    assert "可由联络员或负责人申诉" in html and 'name="reason"' not in html
    for who in ("operator", "supervisor", "editor"):
        client.force_login(people[who])
        assert client.get("/unit/kpis/").status_code == 403


@pytest.mark.django_db
def test_the_navigation_and_dashboards_link_to_the_kpi_pages(client, people):
    client.force_login(people["supervisor"])
    html = client.get("/supervisor/").content.decode()
    assert 'href="/supervisor/kpis/"' in html and 'href="/supervisor/kpis/appeals/"' in html
    client.force_login(people["operator"])
    assert 'href="/supervisor/kpis/"' in client.get("/console/").content.decode()
    client.force_login(people["liaison"])
    html = client.get("/unit/").content.decode()
    assert 'href="/unit/kpis/"' in html and "/supervisor/kpis/" not in html
