"""The weekly brief's page (/supervisor/hot-topics/) and its DOCX (热线专报 第N期): supervisors and operators,
the last full week by default, a bad week a 400 with a message, and a brief for the district's leaders."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from hotline import workflow
from hotline.models import Category

from .conftest import advance_ticket, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_of_lights(people, units, resident, village):
    """Week of Monday 2026-11-23: three tickets about street lights in 石门村 (new), one of them dispatched."""
    lights = Category.objects.create(name="路灯", parent=Category.objects.create(name="城乡建设"))
    for n, title in enumerate(["石门村路灯不亮", "村口路灯坏了", "路灯闪烁"]):
        with time_machine.travel(at(2026, 11, 23 + n, 10, 0), tick=False):
            ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title=title,
                                      description="…", resident=resident, category=lights, village=village)
            if n == 0:
                advance_ticket(ticket, "dispatched", people=people, lead_unit=units["roads"])
    return lights


@pytest.mark.parametrize("who", ["supervisor", "operator"])
def test_supervisors_and_operators_read_the_brief(client, people, week_of_lights, who):
    client.force_login(people[who])
    response = client.get("/supervisor/hot-topics/?week=2026-11-23")
    assert response.status_code == 200
    page = response.content.decode()
    assert "热线专报 第48期" in page
    assert "2026年11月23日至2026年11月29日" in page
    assert "（1）城乡建设 › 路灯 · 青山镇石门村【新出现】" in page
    assert "路灯闪烁；村口路灯坏了；石门村路灯不亮" in page
    assert "区交通运输局" in page
    assert 'href="/supervisor/hot-topics/brief.docx?week=2026-11-23"' in page
    assert "?week=2026-11-16" in page and "?week=2026-11-30" in page
    assert "张三" not in page and "13800138000" not in page  # titles only, no resident data


def test_the_menu_shows_it_to_supervisors(client, people):
    client.force_login(people["supervisor"])
    menu = client.get("/tickets/").content.decode().split("<main>")[0]
    assert 'href="/supervisor/hot-topics/"' in menu and 'href="/supervisor/summary/"' in menu
    client.force_login(people["editor"])
    menu = client.get("/supervisor/summary/").content.decode().split("<main>")[0]
    assert 'href="/supervisor/summary/"' in menu and 'href="/supervisor/hot-topics/"' not in menu


@pytest.mark.parametrize("who", ["editor", "liaison", "head", "member"])
def test_others_may_not(client, people, who):
    client.force_login(people[who])
    assert client.get("/supervisor/hot-topics/?week=2026-11-23").status_code == 403
    assert client.get("/supervisor/hot-topics/brief.docx?week=2026-11-23").status_code == 403


def test_the_default_is_the_last_full_week(client, people, week_of_lights, time_machine):
    time_machine.move_to(at(2026, 12, 2, 9, 0), tick=False)  # a Wednesday
    client.force_login(people["supervisor"])
    page = client.get("/supervisor/hot-topics/").content.decode()
    assert "热线专报 第48期" in page and 'value="2026-11-23"' in page


@pytest.mark.parametrize("week, message", [
    ("2026-11-24", "2026-11-24不是星期一"),
    ("tuesday", "“tuesday”不是日期"),
    ("2026-02-30", "不是日期"),
])
def test_a_bad_week_is_a_400_that_says_why(client, people, week, message):
    client.force_login(people["supervisor"])
    page = client.get(f"/supervisor/hot-topics/?week={week}")
    assert page.status_code == 400 and message in page.content.decode()
    download = client.get(f"/supervisor/hot-topics/brief.docx?week={week}")
    assert download.status_code == 400 and message in download.content.decode()


def test_the_docx_brief(client, people, week_of_lights):
    client.force_login(people["supervisor"])
    response = client.get("/supervisor/hot-topics/brief.docx?week=2026-11-23")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="hot-topics-2026-11-23.docx"'
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "热线专报 第48期"
    assert document.paragraphs[1].text == "2026年 · 统计时段：2026年11月23日至2026年11月29日"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "热线共受理群众诉求3件，前四周没有受理群众诉求。" in text
    assert "本周集中反映的问题1类，其中新出现1类、明显上升0类" in text
    assert "（1）城乡建设 › 路灯 · 青山镇石门村【新出现】" in text
    (table,) = document.tables
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert rows["本周件数"] == "3"
    assert rows["前四周周均"] == "0.0"
    assert rows["趋势"] == "新出现"
    assert rows["承办单位"] == "区交通运输局"
    assert rows["典型诉求"] == "路灯闪烁；村口路灯坏了；石门村路灯不亮"
    advice = [r for p in document.paragraphs for r in p.runs if r.text == "【待填写：工作建议】"]
    assert advice and advice[0].font.highlight_color == WD_COLOR_INDEX.YELLOW


def test_an_empty_week(client, people):
    client.force_login(people["supervisor"])
    page = client.get("/supervisor/hot-topics/?week=2026-11-23").content.decode()
    assert "本周没有集中反映的问题。" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries(client, people, units, resident, village, week_of_lights):
    client.force_login(people["supervisor"])
    url, docx = "/supervisor/hot-topics/?week=2026-11-23", "/supervisor/hot-topics/brief.docx?week=2026-11-23"
    page, download = _queries(client, url), _queries(client, docx)
    noise = Category.objects.create(name="噪音")
    for n in range(4):
        with time_machine.travel(at(2026, 11, 24, 10 + n, 0), tick=False):
            ticket = workflow.receive(by=people["operator"], kind="complaint", channel="sms", title=f"夜间施工{n}",
                                      description="…", resident=resident, category=noise, village=village)
            advance_ticket(ticket, "dispatched", people=people, lead_unit=units["town" if n % 2 else "water"])
    assert _queries(client, url) == page
    assert _queries(client, docx) == download
    assert dt.date(2026, 11, 23).weekday() == 0
