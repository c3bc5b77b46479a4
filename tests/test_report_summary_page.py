"""The work summary page (/supervisor/summary/) and its DOCX: supervisors and media editors only, a year or
any period, the figures in Chinese laid out like the seed report, the figures the system does not hold
marked 【待填写：…】 (highlighted in the DOCX), bad periods a 400 with a message, a fixed number of queries."""

import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from hotline import workflow

from .conftest import advance_ticket, at
from .pledge_helpers import make_pledge
from .promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def year_2026(people, units, resident):
    """Two phone tickets and one by SMS in 2026 (one closed satisfied), a done promotion, a done pledge."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        for channel, state in [("phone", "closed"), ("phone", "dispatched"), ("sms", "in_progress")]:
            ticket = workflow.receive(by=people["operator"], kind="help", channel=channel, title="路灯不亮",
                                      description="石门村口路灯坏了", resident=resident)
            advance_ticket(ticket, state, people=people, lead_unit=units["roads"])
        advance(submit(people["operator"]), "done", editor=people["editor"])
        make_pledge(people, units, "done")


def docx_text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def table_with(document, header):
    for table in document.tables:
        if table.rows[0].cells[0].text == header:
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {header}")


@pytest.mark.parametrize("who", ["supervisor", "editor"])
def test_supervisors_and_editors_read_the_year_in_chinese(client, people, year_2026, who):
    client.force_login(people[who])
    response = client.get("/supervisor/summary/?year=2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "XX区融媒体中心2026年“我为群众办实事”工作总结" in page
    for heading in ["一、“我为群众办实事”热线", "二、免费宣传推销特色农产品和地方特色美食", "三、“便民”专栏",
                    "四、“我为群众办实事”公开承诺", "五、新媒体和电视宣传"]:
        assert heading in page
    assert "热线共受理群众诉求3件" in page
    assert "群众满意率100.0%" in page
    assert '<mark class="to-fill">【待填写：抖音粉丝数】</mark>' in page
    assert 'href="/supervisor/summary/summary.docx?year=2026"' in page
    assert "工作总结" in page.split("<main>")[0]  # in the menu


@pytest.mark.parametrize("who", ["operator", "liaison", "head", "other_liaison"])
def test_others_may_not(client, people, who):
    client.force_login(people[who])
    assert client.get("/supervisor/summary/?year=2026").status_code == 403
    assert client.get("/supervisor/summary/summary.docx?year=2026").status_code == 403
    assert "/supervisor/summary/" not in client.get("/tickets/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/supervisor/summary/summary.docx?year=2026")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("query, message", [
    ("year=abc", "年份“abc”无效"),
    ("year=1999", "年份“1999”无效"),
    ("from=2026-01-01", "请同时填写开始日期和结束日期"),
    ("from=2026-13-01&to=2026-12-31", "不是日期"),
    ("from=2026-06-30&to=2026-01-01", "开始日期不能晚于结束日期"),
])
def test_a_bad_period_is_a_400_that_says_why(client, people, query, message):
    client.force_login(people["supervisor"])
    page = client.get(f"/supervisor/summary/?{query}")
    assert page.status_code == 400 and message in page.content.decode()
    download = client.get(f"/supervisor/summary/summary.docx?{query}")
    assert download.status_code == 400 and message in download.content.decode()


def test_the_docx_has_the_title_sections_figures_tables_and_highlighted_markers(client, people, year_2026):
    client.force_login(people["editor"])
    response = client.get("/supervisor/summary/summary.docx?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert 'attachment; filename="work-summary-2026.docx"' == response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "XX区融媒体中心2026年“我为群众办实事”工作总结"
    assert document.paragraphs[0].style.name == "Title"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:5] == ["一、“我为群众办实事”热线", "二、免费宣传推销特色农产品和地方特色美食", "三、“便民”专栏",
                            "四、“我为群众办实事”公开承诺", "五、新媒体和电视宣传"]
    text = docx_text(document)
    assert "热线共受理群众诉求3件" in text
    assert "在各平台发布推广作品1条" in text and "累计浏览1,200次" in text
    assert "累计浏览" in text and "自发布以来的累计浏览次数" in text
    assert table_with(document, "来源渠道")[1:] == [["电话", "2", "66.7%"], ["短信", "1", "33.3%"]]
    assert table_with(document, "承办单位")[1:] == [["区交通运输局", "3", "1"]]
    assert table_with(document, "平台")[1:] == [["抖音", "1", "1", "1,200", "85", "12"]]
    assert table_with(document, "承诺单位")[1:] == [["区交通运输局", "1", "1", "1", "1"]]
    kinds = table_with(document, "诉求类型")
    assert ["求助", "3", "100.0%"] in kinds
    markers = [
        run for paragraph in document.paragraphs for run in paragraph.runs if run.text.startswith("【待填写：")
    ]
    assert {"【待填写：抖音粉丝数】", "【待填写：快手粉丝数】", "【待填写：播出电视新闻条数】",
            "【待填写：存在的问题和下一步工作打算】"} <= {run.text for run in markers}
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in markers)
    # and nothing else is highlighted: real figures are never marked
    highlighted = {
        run.text for paragraph in document.paragraphs for run in paragraph.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    }
    assert all(text.startswith("【待填写：") for text in highlighted)


def test_any_period_by_dates(client, people, year_2026):
    client.force_login(people["supervisor"])
    page = client.get("/supervisor/summary/?from=2026-03-02&to=2026-03-02").content.decode()
    assert "XX区融媒体中心2026年3月2日至2026年3月2日“我为群众办实事”工作总结" in page
    assert "热线共受理群众诉求3件" in page
    before = client.get("/supervisor/summary/?from=2026-01-01&to=2026-03-01").content.decode()
    assert "热线共受理群众诉求0件" in before and "本期没有受理群众诉求。" in before
    response = client.get("/supervisor/summary/summary.docx?from=2026-03-01&to=2026-03-31")
    assert response["Content-Disposition"] == 'attachment; filename="work-summary-2026-03-01-2026-03-31.docx"'


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_and_download_cost_a_fixed_number_of_queries(client, people, units, resident, year_2026):
    client.force_login(people["supervisor"])
    page = _queries(client, "/supervisor/summary/?year=2026")
    download = _queries(client, "/supervisor/summary/summary.docx?year=2026")
    with time_machine.travel(at(2026, 5, 6, 10, 0), tick=False):
        for _ in range(3):
            ticket = workflow.receive(by=people["operator"], kind="complaint", channel="web", title="噪音扰民",
                                      description="夜间施工", resident=resident)
            advance_ticket(ticket, "closed", people=people, lead_unit=units["roads"])
        make_pledge(people, units, "published", unit="town", by="editor", title="村口垃圾清运")
    assert _queries(client, "/supervisor/summary/?year=2026") == page
    assert _queries(client, "/supervisor/summary/summary.docx?year=2026") == download
