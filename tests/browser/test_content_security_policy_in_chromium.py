"""Every kind of page works in headless Chromium under the Content-Security-Policy, and the browser reports
no violation: the operator console (live queue over the WebSocket), a ticket page with htmx actions (guide
search, dismissing a duplicate flag), the unit dashboard with a live update, the supervisor dashboard and
ranking (pygal charts whose stylesheet carries the nonce), the admin, the Swagger UI at /api/docs/ (split
view) and the public pages (pledge progress bars). htmx runs with allowEval off (base.html)."""

import pytest
from django.contrib.auth.models import User

from hotline.models import DuplicateFlag
from tests.browser import in_thread, send_sms
from tests.guide_helpers import make_guide
from tests.pledge_helpers import make_pledge

# recorded by the page itself from its first script on (Playwright's init scripts are not subject to the CSP)
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
    [e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" | ")));
"""


class Watched:
    """A page whose CSP violations (the page's own event) and console errors about the CSP or a refused
    eval (htmx:evalDisallowedError: an hx-on attribute or a trigger filter) are collected."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "evalDisallowed" in text:
            self.console.append(f"{message.type}: {text}")

    def goto(self, path):
        response = self.page.goto(path)
        assert response.status == 200, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
        return response

    def assert_clean(self, where):
        violations = self.page.evaluate("window.__csp || []")
        assert violations == [] and self.console == [], (where, violations, self.console)


def _joined(page):
    page.wait_for_selector("body[data-live=joined]")  # the WebSocket is open: connect-src 'self' covers ws:


@pytest.mark.django_db(transaction=True)
def test_the_pages_work_under_the_policy_without_a_violation(page_for, people, units, make_ticket):
    def data():
        first, second = make_ticket("new"), make_ticket("new")  # the second is flagged as like the first
        make_guide(people, units["roads"], title="居民身份证换领", keywords="身份证 换证")
        pledge = make_pledge(people, units)
        admin = User.objects.create_superuser("root", password="pw-root")
        return first, second, pledge, admin

    first, second, pledge, admin = in_thread(data)
    flag = DuplicateFlag.objects.get(ticket=second)

    # the operator console, live over the WebSocket
    console = Watched(page_for(people["operator"]))
    console.goto("/console/")
    _joined(console.page)
    # the detector works: an injected inline <style> is refused and reported
    console.page.evaluate("document.head.appendChild(document.createElement('style')).textContent = 'p{}'")
    console.page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in console.page.evaluate("window.__csp[0]")
    console.page.evaluate("window.__csp = []")
    console.console.clear()
    send_sms(console.page.evaluate("location.origin"), "青山镇自来水停了两天", phone="+8613700137000")
    console.page.locator("#queue-new [data-ticket-number]").nth(2).wait_for()  # a third row, no reload
    console.assert_clean("console")

    # the unit dashboard, waiting for a live update
    desk = Watched(page_for(people["liaison"]))
    desk.goto("/unit/")
    _joined(desk.page)

    # a ticket page: htmx guide search, an htmx POST dismissing the duplicate flag, then a dispatch
    ticket_page = console
    ticket_page.goto(f"/tickets/{second.number}/")
    ticket_page.page.locator('details[data-action="answer"]').evaluate("d => d.open = true")
    ticket_page.page.fill("#guide-q", "身份证")
    ticket_page.page.locator("#guide-results").get_by_text("居民身份证换领").wait_for()
    ticket_page.page.locator(f'#duplicates [data-duplicate-flag="{flag.pk}"] button', has_text="不是重复").click()
    ticket_page.page.locator("#duplicates").get_by_text("暂无疑似重复的工单").wait_for()
    dispatch = ticket_page.page.locator('details[data-action="dispatch"]')
    dispatch.evaluate("d => d.open = true")
    dispatch.locator("select[name=dispatch-lead_unit]").select_option(str(units["roads"].pk))
    dispatch.locator("button[type=submit]").click()
    ticket_page.page.wait_for_selector('#ticket[data-status="dispatched"]')
    ticket_page.assert_clean("ticket page")

    desk.page.locator(f'#unit-queue [data-ticket-number="{second.number}"]').wait_for()  # live, no reload
    desk.assert_clean("unit dashboard")

    # the supervisor's dashboard and ranking: the charts' own stylesheet applies (it carries the nonce)
    board = Watched(page_for(people["supervisor"]))
    board.goto("/supervisor/")
    _joined(board.page)
    board.assert_clean("supervisor dashboard")
    board.goto("/supervisor/ranking/")
    title = board.page.locator("svg.pygal-chart .title").first
    assert title.evaluate("e => getComputedStyle(e).fontSize") == "18px"  # from the chart's <style>
    board.assert_clean("ranking")

    # the admin
    staff = Watched(page_for(admin))
    for path in ("/admin/", "/admin/hotline/ticket/", f"/admin/hotline/ticket/{first.pk}/change/",
                 "/admin/auth/user/add/"):
        staff.goto(path)
        staff.page.wait_for_selector("#content")
        staff.assert_clean(path)

    # Swagger UI: the split view's script, the sidecar's assets
    docs = Watched(page_for(people["operator"]))
    docs.goto("/api/docs/")
    docs.page.locator(".swagger-ui .opblock").first.wait_for()
    docs.assert_clean("/api/docs/")

    # public pages: no script at all; progress bars are <progress>, not inline widths
    public = Watched(page_for(None, phone=True))
    for path in ("/public/", "/public/pledges/", f"/public/pledges/{pledge.pk}/", "/public/guides/", "/public/products/"):
        public.goto(path)
        if path.startswith("/public/pledges/"):
            assert public.page.locator("progress.progress").count() >= 1
        public.assert_clean(path)
