"""English is complete: every marked string has a checked translation, the compiled catalogue matches it,
and the pages a user switched to English show no Chinese outside the data people typed or the system stored.

When this fails after you added or changed a string: run `scripts/update-translations.sh`, translate what it
lists in locale/en/LC_MESSAGES/django.po, run it again, and commit the .po and the .mo together.
"""

import ast
import gettext
import io
import json
import os
import re
import tokenize
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from hotline import workflow

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HOW_TO_FIX = "run scripts/update-translations.sh, translate what it lists, and commit django.po and django.mo"

# Chinese words: Han ideographs (with radicals and compatibility forms), and kana and hangul while at it
HAN = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
# Chinese punctuation: CJK symbols and punctuation (、。「」【】), full-width forms (（）：，！), vertical forms
FULL_WIDTH = "\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef"
CHINESE_WORDS = re.compile(f"[{HAN}]")
CHINESE_PUNCTUATION = re.compile(f"[{FULL_WIDTH}]")
CJK = re.compile(f"[{HAN}{FULL_WIDTH}]")


# --- a small reader of .po files (no polib: it is not a dependency) ----------------------------------


def _unquote(text):
    """The value of one C-style quoted .po string."""
    assert text.startswith('"') and text.endswith('"'), text
    return ast.literal_eval(text)  # the escapes .po files use (\n \t \" \\) are Python's too


def read_po(path):
    """The entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (str or list), flags, where."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#~"):
            if entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "where": [], "obsolete": True}
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:
                finish()
                entry = None
            entry = entry or {"flags": set(), "where": []}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                entry["where"].extend(line[2:].split())
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if isinstance(entry[key[0]], list):
                entry[key[0]][key[1]] += value
            else:
                entry[key[0]] += value
            continue
        name, _, rest = line.partition(" ")
        if name in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            finish()
            entry = None
        entry = entry or {"flags": set(), "where": []}
        match = re.fullmatch(r"msgstr\[(\d+)\]", name)
        if match:
            index = int(match.group(1))
            entry.setdefault("msgstr", [])
            assert len(entry["msgstr"]) == index, f"msgstr[{index}] out of order near {entry.get('msgid')!r}"
            entry["msgstr"].append(_unquote(rest))
            key = ("msgstr", index)
        else:
            assert name in ("msgctxt", "msgid", "msgid_plural", "msgstr"), line
            entry[name] = _unquote(rest)
            key = (name, None)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = read_po(PO)
    header = next(e for e in entries if e["msgid"] == "" and "msgctxt" not in e)
    return header, [e for e in entries if e is not header]


def _label(entry):
    return f"{entry['msgid']!r} ({' '.join(entry['where'][:2])})"


def _forms(entry):
    return entry["msgstr"] if isinstance(entry["msgstr"], list) else [entry["msgstr"]]


# --- (a) the .po: complete, no fuzzy guesses, placeholders kept ---------------------------------------


def test_the_catalogue_is_english_with_two_plural_forms(catalogue):
    header, entries = catalogue
    meta = dict(line.split(": ", 1) for line in header["msgstr"].splitlines() if ": " in line)
    assert meta["Language"] == "en"
    assert meta["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in meta["Content-Type"]
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 100


def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    _header, entries = catalogue
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    empty = [_label(e) for e in entries if not all(form.strip() for form in _forms(e))]
    plural_forms = [_label(e) for e in entries if "msgid_plural" in e and len(_forms(e)) != 2]
    still_chinese = [_label(e) for e in entries if any(CJK.search(form) for form in _forms(e))]
    assert not fuzzy, f"fuzzy entries (check the guess, then delete the '#, fuzzy' line): {fuzzy}"
    assert not empty, f"untranslated: {empty}; {HOW_TO_FIX}"
    assert not plural_forms, f"plural entries need msgstr[0] and msgstr[1]: {plural_forms}"
    assert not still_chinese, f"translations that still contain Chinese: {still_chinese}"


PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*\d*(?:\.\d+)?(?P<kind>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"\{[^{}]*\}")


def _printf(text):
    return sorted(
        (match.group("name") or "", match.group("kind")) for match in PRINTF.finditer(text) if match.group("kind") != "%"
    )


def test_every_translation_keeps_the_placeholders(catalogue):
    """%(name)s for gettext and blocktranslate, and {name} for wordings that code .format()s later."""
    _header, entries = catalogue
    problems = []
    for entry in entries:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, form in enumerate(_forms(entry)):
            source = sources[min(index, 1)]
            if "python-format" in entry["flags"] or PRINTF.search(source):
                if sorted(set(_printf(form))) != sorted(set(_printf(source))):
                    problems.append(f"{_label(entry)}: {_printf(source)} became {_printf(form)} in {form!r}")
                stray = re.sub(PRINTF, "", form)
                if "%" in stray:
                    problems.append(f"{_label(entry)}: a lone % in {form!r} (write %% for a percent sign)")
            if sorted(BRACES.findall(form)) != sorted(BRACES.findall(source)):
                problems.append(f"{_label(entry)}: {BRACES.findall(source)} became {BRACES.findall(form)} in {form!r}")
    assert not problems, "\n".join(problems)


# --- (b) the compiled .mo is the .po's content --------------------------------------------------------


def test_the_compiled_catalogue_matches_the_po(catalogue):
    _header, entries = catalogue
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        forms = _forms(entry)
        if "msgctxt" in entry:
            got = [compiled.pgettext(entry["msgctxt"], entry["msgid"])]
        elif "msgid_plural" in entry:
            got = [compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
        else:
            got = [compiled.gettext(entry["msgid"])]
        if got != forms:
            stale.append(f"{_label(entry)}: the .mo says {got}, the .po {forms}")
    assert not stale, f"django.mo is older than django.po ({HOW_TO_FIX}):\n" + "\n".join(stale[:20])
    in_po = {(e.get("msgctxt"), e["msgid"]) for e in entries}
    in_mo = set()
    for key in compiled._catalog:
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            context, _, text = msgid.rpartition("\x04")
            in_mo.add((context or None, text))
    assert in_mo == in_po, f"the .mo has other strings than the .po: {sorted(in_mo ^ in_po)[:10]}; {HOW_TO_FIX}"


# --- every string marked in the source is in the catalogue (no gettext tools needed) --------------------

# xgettext's keywords as makemessages passes them: name -> which arguments are (context, singular, plural)
KEYWORDS = {
    "_": (None, 0, None), "gettext": (None, 0, None), "gettext_lazy": (None, 0, None), "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1), "ngettext_lazy": (None, 0, 1), "pgettext": (0, 1, None), "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2), "npgettext_lazy": (0, 1, 2),
}
# the same directories makemessages skips in scripts/update-translations.sh
SKIPPED_DIRS = {".venv", "var", "staticfiles", "artifacts", "tests", "node_modules", "__pycache__"}


def _source_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt")):
                yield Path(folder) / name


def _marked_strings(code):
    """(context, msgid, plural) of each gettext-style call with literal arguments in Python-like `code`."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)]
    for i, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in KEYWORDS or tokens[i + 1].string != "(":
            continue
        if i and tokens[i - 1].string in (".", "def"):
            continue
        args, current, j = [], [], i + 2
        while j < len(tokens) and tokens[j].type == tokenize.STRING:
            current.append(tokens[j].string)
            j += 1
            if j < len(tokens) and tokens[j].string == ",":
                args.append(current)
                current = []
                j += 1
        if current:
            args.append(current)
        try:
            values = ["".join(ast.literal_eval(part) for part in arg) for arg in args]
        except (ValueError, SyntaxError, TypeError):
            continue  # an f-string or bytes: xgettext cannot take it either
        context, singular, plural = KEYWORDS[token.string]
        needed = max(index for index in (context, singular, plural) if index is not None)
        if len(values) <= needed:
            continue  # not literal arguments (a variable): nothing to extract
        yield (
            values[context] if context is not None else None,
            values[singular],
            values[plural] if plural is not None else None,
        )


def test_every_marked_string_in_the_source_is_in_the_catalogue(catalogue):
    from django.utils.translation.template import templatize

    _header, entries = catalogue
    known = {(e.get("msgctxt"), e["msgid"]) for e in entries}
    missing = []
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            if "{%" not in text and "_(" not in text:
                continue
            # a template's indentation means nothing, but tokenize would trip over templatize's
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
        for context, msgid, _plural in _marked_strings(text):
            if msgid and (context, msgid) not in known:
                missing.append(f"{msgid!r} ({path.relative_to(ROOT)})")
    assert not missing, f"marked for translation but not in django.po ({HOW_TO_FIX}):\n" + "\n".join(sorted(set(missing)))


# --- (c) pages in English show no Chinese but the data ------------------------------------------------

# attributes people read: tooltips, placeholders, screen readers, the labels of table cells on a phone
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-label", "label"}


class _VisibleText(HTMLParser):
    """The text a user reads: text nodes, readable attributes, and JSON handed to scripts (notice labels).

    The language switch is left out: it names Chinese in Chinese on purpose.
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip, self._script = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skip:
            if tag not in self.VOID:
                self._skip += 1
            return
        if attrs.get("name") == "language" and tag not in self.VOID:
            self._skip = 1
            return
        for name, value in attrs.items():
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        if tag in ("script", "style"):
            self._script = attrs.get("type", "") if tag == "script" else "style"

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
            return
        if tag in ("script", "style"):
            self._script = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._script is not None:
            if self._script == "application/json" and data.strip():
                self.parts.extend(_json_strings(json.loads(data)))
            return
        if data.strip():
            self.parts.append(data.strip())


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def user_data():
    """What people typed or the system stored (names, titles, notes, SMS bodies): it stays as it was written."""
    from django.contrib.auth import get_user_model

    from hotline.models import (
        Call, Category, DuplicateFlag, ExtensionRequest, Message, Pledge, PledgeItem, PledgeUpdate, PromotionRequest,
        Reply, Resident, ReturnRequest, ServiceGuide, Ticket, TicketEvent, Unit, Village,
    )

    data = set()
    for user in get_user_model().objects.all():
        data.update([user.get_full_name(), user.first_name, user.last_name, user.get_username()])
    data.update(Unit.objects.values_list("name", flat=True))
    data.update(Unit.objects.values_list("short_name", flat=True))
    for village in Village.objects.select_related("township"):
        data.update([village.name, str(village)])
    for category in Category.objects.all():
        data.update([category.name, str(category)])
    data.update(Resident.objects.values_list("name", flat=True))
    for fields in (
        (Ticket, ["title", "description", "place", "answer", "answer_source", "satisfaction_reason"]),
        (TicketEvent, ["note"]),
        (DuplicateFlag, ["reason"]),  # stored when the ticket came in, in that moment's language, like event notes
        (Reply, ["text", "outcome_reason", "review_note"]),
        (ReturnRequest, ["reason", "decision_note", "escalation_note"]),
        (ExtensionRequest, ["reason", "decision_note"]),
        (Message, ["body"]),
        (Call, ["transcript"]),
        (PromotionRequest, ["text", "product", "description", "price_unit", "availability", "quantity",
                            "review_note", "decline_reason"]),
        (Pledge, ["title", "description", "origin"]),
        (Pledge.history.model, ["history_change_reason", "title", "description", "origin"]),
        (PledgeItem, ["title"]),
        (PledgeUpdate, ["text"]),
        (ServiceGuide, ["title", "conditions", "materials", "procedure", "legal_time_limit", "promised_time_limit",
                        "fees", "location", "office_hours", "phone", "complaints", "keywords", "source"]),
    ):
        model, names = fields
        for row in model.objects.values_list(*names):
            data.update(row)
    return {value for value in data if value and CJK.search(value)}


def chinese_left(html, data=None, pattern=CJK):
    """Each piece of text on the page with Chinese (`pattern`) outside the data (by default what the database
    holds), with some context."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    data = sorted(user_data() if data is None else data, key=len, reverse=True)
    found = []
    for text in parser.parts:
        for value in data:  # longest first, so a title is not half-removed by a shorter name inside it
            for piece in [value, *value.splitlines()]:
                if piece.strip():
                    text = text.replace(piece, " ")
        # a title or note cut short by truncatechars ("路灯坏了…") is data too
        text = re.sub(
            r"([^\s…]+)…", lambda m: " " if any(v.startswith(m.group(1)) for v in data) else m.group(0), text
        )
        if pattern.search(text):
            found.append(" ".join(text.split())[:160])
    return found


@pytest.fixture
def busy_hotline(people, make_ticket, units):
    """Tickets in every state, with a disputed return and a pending extension, so every panel has rows."""
    tickets = {state: make_ticket(state) for state in ("new", "dispatched", "in_progress", "replied", "closed")}
    tickets["confidential"] = make_ticket("in_progress", confidential=True)
    workflow.request_return(
        ticket=tickets["dispatched"], by=people["liaison"], reason="不属于本单位职责", suggested_unit=units["water"]
    )
    workflow.escalate_return(ticket=tickets["dispatched"], by=people["operator"], note="单位坚持退单，请督办裁决")
    in_progress = tickets["in_progress"]
    workflow.request_extension(
        ticket=in_progress, by=people["liaison"], reason="需要现场勘查",
        new_reply_by=in_progress.reply_by + timedelta(days=3),
    )
    workflow.add_note(ticket=in_progress, by=people["operator"], note="群众又来电催办")
    return tickets


@pytest.fixture
def public_services(people, units, village):
    """A promotion, a pledge and a guide in the states their pages show most for (through their services)."""
    from tests.guide_helpers import make_guide
    from tests.pledge_helpers import make_pledge
    from tests.promotion_helpers import advance, submit

    product = advance(submit(people["operator"], village=village, contact_public=True), "done", editor=people["editor"])
    waiting = submit(people["operator"], phone="+8613900139000", product="龙潭柴火烤鸭")
    pledge = make_pledge(people, units, "published", items=("一组道路", "二组道路"))
    done = make_pledge(people, units, "done", title="路灯维修")
    guide = make_guide(people, units["roads"])
    return {"product": product, "waiting": waiting, "pledge": pledge, "done": done, "guide": guide}


def _english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


PAGES = [
    # (who, path or "ticket:<which>")
    (None, "/accounts/login/"),
    ("operator", "/console/"),
    ("operator", "/tickets/"),
    ("operator", "/tickets/?created_from=yesterday"),  # the search form's errors
    ("operator", "/tickets/new/"),
    ("operator", "ticket:new"),
    ("operator", "ticket:replied"),
    ("operator", "ticket:closed"),
    ("supervisor", "/supervisor/"),
    ("supervisor", "ticket:dispatched"),
    ("liaison", "/unit/"),
    ("liaison", "/tickets/"),
    ("liaison", "ticket:in_progress"),
    ("liaison", "ticket:confidential"),
    ("liaison", "/accounts/password/"),
    # the public services (issue 6): public pages, the editor's and the unit's pages
    (None, "/public/"),
    (None, "/public/products/"),
    (None, "product:product"),
    (None, "/public/products/apply/"),
    (None, "/public/pledges/"),
    (None, "pledge:pledge"),
    (None, "pledge:done"),
    (None, "/public/guides/"),
    (None, "/public/guides/?q=身份证"),
    (None, "guide:guide"),
    ("editor", "/editor/promotions/"),
    ("editor", "product:editor"),
    ("editor", "product:waiting"),
    ("editor", "/editor/pledges/"),
    ("editor", "/editor/guides/"),
    ("operator", "/promotions/new/"),
    ("liaison", "/unit/pledges/"),
    ("liaison", "pledge:unit"),
    ("liaison", "/unit/guides/"),
    ("liaison", "guide:unit"),
    # assessment (issue 7)
    ("supervisor", "/supervisor/kpis/"),
    ("supervisor", "/supervisor/kpis/appeals/"),
    ("liaison", "/unit/kpis/"),
    ("supervisor", "/supervisor/ranking/"),
    ("supervisor", "/supervisor/ranking/weights/"),
    ("supervisor", "/supervisor/summary/"),
    ("supervisor", "/supervisor/hot-topics/"),
    (None, "/public/ranking/"),
]


def _path(page, tickets, objects):
    kind, _colon, which = page.partition(":")
    if kind == "ticket":
        return f"/tickets/{tickets[which].number}/"
    if kind == "product":
        pk = objects["waiting" if which == "waiting" else "product"].pk
        return f"/editor/promotions/{pk}/" if which in ("editor", "waiting") else f"/public/products/{pk}/"
    if kind == "pledge":
        pk = objects["pledge"].pk
        return f"/unit/pledges/{pk}/" if which == "unit" else f"/public/pledges/{objects[which].pk}/"
    if kind == "guide":
        pk = objects["guide"].pk
        return f"/unit/guides/{pk}/" if which == "unit" else f"/public/guides/{pk}/"
    return page


def _page_in_english(client, people, tickets, who, page, objects):
    _english(client)
    if who is not None:
        client.force_login(people[who])
    path = _path(page, tickets, objects)
    response = client.get(path)
    assert response.status_code == 200, f"{path} as {who}: HTTP {response.status_code}"
    html = response.content.decode()
    assert '<html lang="en"' in html, f"{path} was not rendered in English"
    return path, html


def _typed(path):
    """What the visitor typed into the page's query string (a search) is data too."""
    from urllib.parse import parse_qsl, urlsplit

    return {value for _name, value in parse_qsl(urlsplit(path).query)}


PAGE_IDS = [f"{who or 'anonymous'}-{page}" for who, page in PAGES]


@pytest.mark.parametrize(("who", "page"), PAGES, ids=PAGE_IDS)
def test_pages_in_english_show_no_chinese_words_but_the_data(client, people, busy_hotline, public_services, who, page):
    path, html = _page_in_english(client, people, busy_hotline, who, page, public_services)
    left = chinese_left(html, user_data() | _typed(path), pattern=CHINESE_WORDS)
    assert not left, f"untranslated text on {path} as {who or 'anonymous'}:\n" + "\n".join(left)


@pytest.mark.parametrize(("who", "page"), PAGES, ids=PAGE_IDS)
def test_pages_in_english_use_no_chinese_punctuation_outside_the_data(
    client, people, busy_hotline, public_services, who, page
):
    """（）：、。 typed into a template next to a translated word stay Chinese in English: put them inside the
    translated string (so the translation decides), or use punctuation that suits both languages."""
    path, html = _page_in_english(client, people, busy_hotline, who, page, public_services)
    left = chinese_left(html, user_data() | _typed(path), pattern=CHINESE_PUNCTUATION)
    assert not left, f"Chinese punctuation on {path} as {who or 'anonymous'}:\n" + "\n".join(left)


def test_a_failed_sign_in_is_explained_in_english(client, people):
    _english(client)
    html = client.post("/accounts/login/", {"username": "operator", "password": "wrong"}).content.decode()
    assert "Please enter a correct username and password" in html
    assert not chinese_left(html)


def test_the_check_finds_an_untranslated_word():
    """The page check itself: Chinese outside the data is reported; the data and the language switch are not."""
    html = (
        '<html lang="en"><head><title>Ticket · 路灯不亮</title></head><body>'
        '<form><button name="language" value="zh-hans" class="link">中文</button></form>'
        '<td data-label="Title">路灯坏了…</td><p title="提示">Saved</p><span>状态（已签收）</span>'
        '<script type="application/json" id="event-labels">{"signed": "\\u5de5\\u5355"}</script></body></html>'
    )
    data = {"路灯不亮", "路灯坏了三天"}
    assert chinese_left(html, data) == ["提示", "状态（已签收）", "工单"]
    assert chinese_left(html.replace("状态（已签收）", "Status (signed for)").replace("提示", "Tip"), data) == ["工单"]
    punctuation_only = html.replace("状态", "Status").replace("已签收", "signed for")
    assert chinese_left(punctuation_only, data, pattern=CHINESE_WORDS) == ["提示", "工单"]
    assert chinese_left(punctuation_only, data, pattern=CHINESE_PUNCTUATION) == ["Status（signed for）"]
