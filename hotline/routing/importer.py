"""Past work orders from a spreadsheet: `python manage.py import_tickets FILE` (issue 8).

A new deployment learns from its old records: each row of a CSV (UTF-8) or XLSX file (the first
sheet) becomes a closed ticket handled by the row's unit (`workflow.import_closed_ticket`), which the
unit classifier then reads (hotline.routing.training). This module reads and checks the file; the
command only prints the report.

Columns (the header row; English names or the Chinese ones old spreadsheets use):

    created_at 受理时间   title 标题   description 诉求内容   unit 承办单位        (required)
    category 事项分类   kind 诉求类型   village 村/社区 (村社区)   outcome 办理结果   id 编号   (optional)

Other columns are ignored (listed once in the report). The header is the first row that names every
required column (a title row above it, as Chinese spreadsheets often have, is skipped); without such a
row nothing is imported.

Each row is checked in full (every problem of the row reported at once, as `第N行：…`, N the row
number as Excel or WPS shows it, the header being row 1 when it is the first row) and goes in whole, in
its own transaction, or not at all. The row's key (`Ticket.import_key`) comes from `id` when the file
has it, otherwise from a hash of the row's normalized content (created_at, title, description, unit):
importing the same file again adds nothing; those rows are counted as already imported. An import
never updates a ticket it took before.

Values:
- created_at: `2024-03-05 10:20[:00]`, `2024/3/5 10:20`, `2024-03-05`, `2024.3.5`, `2024年3月5日 10:20`,
  ISO 8601 with an offset, or an Excel date cell; a time without an offset is Asia/Shanghai time (the
  hotline's TIME_ZONE); a time in the future is refused.
- unit: the unit's exact name (or its short name where no other unit has it), after NFKC and with
  whitespace ignored; deactivated units are accepted (history). An unknown name is refused with the
  closest known names.
- kind: the code (`help`) or the Chinese label (求助); blank means 求助 `help` (DEFAULT_KIND): an old
  work order that went to a unit was, most often, a request for help.
- category: a name no other category has, or a path from any level down to it, its levels separated by
  `/`, `>` or `›` (城乡建设/道路/路灯, 道路>路灯); unknown or ambiguous names are refused.
- village: a name no other village has, or `乡镇/村` (also written as one word, 青山镇石门村).
- outcome: the code or the label (已解决 resolved, 部分解决 partly, 无法解决 not_resolvable), or blank.
- title: required, at most 200 characters (a longer one is refused, never cut).
"""

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import access, clock, workflow
from hotline.errors import WorkflowError
from hotline.models import Category, Ticket, Unit, Village
from hotline.models.choices import Kind, Outcome
from hotline.routing.text import normalize

REQUIRED = ("created_at", "title", "description", "unit")
OPTIONAL = ("category", "kind", "village", "outcome", "id")
ALIASES = {
    "created_at": ("受理时间",),
    "title": ("标题",),
    "description": ("诉求内容",),
    "unit": ("承办单位",),
    "category": ("事项分类",),
    "kind": ("诉求类型",),
    "village": ("村/社区", "村社区"),
    "outcome": ("办理结果",),
    "id": ("编号",),
}
DEFAULT_KIND = Kind.HELP
# the Chinese labels (the choices' labels are translated; the spreadsheets are in Chinese whatever the language)
KIND_LABELS = {
    "咨询": Kind.CONSULTATION, "求助": Kind.HELP, "投诉": Kind.COMPLAINT,
    "举报": Kind.REPORT, "建议": Kind.SUGGESTION, "表扬": Kind.PRAISE,
}
OUTCOME_LABELS = {"已解决": Outcome.RESOLVED, "部分解决": Outcome.PARTLY, "无法解决": Outcome.NOT_RESOLVABLE}
TITLE_MAX = Ticket._meta.get_field("title").max_length
KEY_MAX = Ticket._meta.get_field("import_key").max_length
HEADER_SEARCH_ROWS = 20  # the header may sit below a title row or two
CHUNK = 500  # import keys looked up per query

_SPACE = re.compile(r"\s+")
_LEVELS = re.compile(r"\s*[/>›]\s*")
# 2024-03-05 10:20[:00], 2024/3/5 10:20, 2024.3.5, 2024年3月5日 10:20, 2024年3月5日10时20分[30秒]
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s*|T)(\d{1,2})\s*[:时点]\s*(\d{1,2})"
    r"(?:\s*:\s*(\d{1,2})(?:\.\d+)?|\s*分(?:\s*(\d{1,2})\s*秒)?)?)?$"
)


class FileError(Exception):
    """The file cannot be imported at all (unreadable, or a required column missing): nothing was written."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class RowError(Exception):
    """One value of a row is wrong; `message` says which and why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def match_key(text):
    """How names are compared: NFKC (full-width → half-width), whitespace ignored, case folded."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text or ""))).casefold()


def _shown(value, limit=40):
    text = str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading the file ---------------------------------------------------------------------------


def read_table(path):
    """[(row number, [cell, …]), …] of the file's rows (the first sheet of an XLSX), blank rows included."""
    path = Path(path)
    if not path.is_file():
        raise FileError(_("找不到文件：%(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        raise FileError(_("不支持旧版Excel（.xls）文件：请在Excel或WPS中另存为.xlsx或“CSV UTF-8”后再导入。"))
    raise FileError(_("只能导入CSV（.csv）或Excel（.xlsx）文件。"))


def _read_csv(path):
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise FileError(_("这个文件是Excel（.xlsx）文件而不是CSV：请把扩展名改为.xlsx再导入。"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            message = _("文件不是UTF-8编码（第%(line)d行起无法读取）。")
        else:
            message = _("文件不是UTF-8编码，看起来是GBK（中文Excel默认的CSV编码，第%(line)d行起无法按UTF-8读取）。")
        raise FileError(
            message % {"line": line}
            + _("请在Excel或WPS中“另存为”，文件类型选“CSV UTF-8（逗号分隔）”，或直接导入.xlsx文件。")
        ) from None
    try:
        return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    except csv.Error as exc:
        raise FileError(_("CSV文件格式有误：%(error)s") % {"error": exc}) from None


def _read_xlsx(path):
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError) as exc:
        raise FileError(
            _("不是有效的XLSX文件（%(error)s）：请用Excel或WPS打开后另存为.xlsx再导入。") % {"error": _shown(exc, 80)}
        ) from None
    try:
        if not book.worksheets:
            raise FileError(_("XLSX文件中没有工作表。"))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong size: read every row there is
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)]
    finally:
        book.close()


def _cell_text(value):
    """A cell as text: numbers without a needless `.0`, NUL characters dropped, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return str(value).replace("\x00", "").strip()


def _blank(cells):
    return all(_cell_text(c) == "" for c in cells)


def find_columns(table):
    """(index of the header in `table`, {column: cell index}, [ignored column names])."""
    names = {match_key(name): name for name in (*REQUIRED, *OPTIONAL)}
    for column, aliases in ALIASES.items():
        names.update({match_key(alias): column for alias in aliases})
    first = None
    for index, (_number, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        if _blank(cells):
            continue
        found = {}
        for position, cell in enumerate(cells):
            column = names.get(match_key(_cell_text(cell)))
            if column is not None:
                found.setdefault(column, []).append(position)
        if first is None:
            first = (index, cells, found)
        if all(column in found for column in REQUIRED):
            first = (index, cells, found)
            break
    if first is None:
        raise FileError(_("文件是空的：没有表头行。"))
    index, cells, found = first
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        labels = "、".join(f"{column}（{ALIASES[column][0]}）" for column in missing)
        raise FileError(
            _("缺少必需的列：%(columns)s。表头须包含 created_at、title、description、unit（或 受理时间、标题、诉求内容、承办单位）。")
            % {"columns": labels}
        )
    doubled = [column for column, positions in found.items() if len(positions) > 1]
    if doubled:
        labels = "、".join(f"{column}（{ALIASES[column][0]}）" for column in doubled)
        raise FileError(_("这些列出现了不止一次：%(columns)s。请只保留一列。") % {"columns": labels})
    known = {positions[0] for positions in found.values()}
    ignored = [_cell_text(c) for p, c in enumerate(cells) if p not in known and _cell_text(c)]
    return index, {column: positions[0] for column, positions in found.items()}, ignored


# --- values -------------------------------------------------------------------------------------


def parse_time(value, *, now):
    """An aware datetime from a cell (text or an Excel date); RowError when unreadable or in the future."""
    moment = None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 25569 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        # an Excel date cell without a date format: days since 1899-12-30 (from 1970 on; a bare year is no date)
        moment = from_excel(value)
    else:
        text = unicodedata.normalize("NFKC", _cell_text(value)).strip()
        if not text:
            raise RowError(_("受理时间为空"))
        match = _DATE.match(text)
        if match:
            year, month, day, hour, minute, second, chinese_second = (int(g) if g else 0 for g in match.groups())
            try:
                moment = dt.datetime(year, month, day, hour, minute, second or chinese_second)
            except ValueError:
                raise RowError(_("受理时间“%(value)s”不是有效的日期时间") % {"value": _shown(text)}) from None
        else:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                moment = None
        if moment is None:
            raise RowError(
                _("受理时间“%(value)s”无法识别（可写作 2024-03-05 10:20、2024/3/5 10:20 或 2024年3月5日 10:20）")
                % {"value": _shown(text)}
            )
    if moment.microsecond:  # Excel stores times as fractions of a day: 10:20 may read as 10:19:59.999999
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    if moment > now:
        raise RowError(
            _("受理时间%(value)s晚于当前时间") % {"value": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")}
        )
    return moment


class Lookups:
    """Units, categories and villages by name, read once per import (a few queries, whatever the rows)."""

    def __init__(self):
        self._memo = {}
        units = list(Unit.objects.order_by("name"))
        self.unit_names = [u.name for u in units]
        self.units = {match_key(u.name): u for u in units}
        shorts = Counter(match_key(u.short_name) for u in units if u.short_name.strip())
        for u in units:
            short = match_key(u.short_name)
            if short and shorts[short] == 1:
                self.units.setdefault(short, u)

        categories = {c.pk: c for c in Category.objects.all()}
        self.category_paths = {}  # pk → (name, …) from the root
        for category in categories.values():
            chain, node, seen = [], category, set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                chain.append(node.name)
                node = categories.get(node.parent_id)
            self.category_paths[category.pk] = tuple(reversed(chain))
        self.categories = categories
        self.categories_by_name = {}
        for pk, path in self.category_paths.items():
            self.categories_by_name.setdefault(match_key(path[-1]), []).append(pk)

        villages = list(Village.objects.select_related("township"))
        self.villages_by_name, self.villages_by_pair = {}, {}
        for v in villages:
            self.villages_by_name.setdefault(match_key(v.name), []).append(v)
            self.villages_by_pair[(match_key(v.township.name), match_key(v.name))] = v
            self.villages_by_pair.setdefault(("", match_key(v.township.name + v.name)), v)

    def cached(self, what, text):
        """self.<what>(text), remembered: a file names the same few units and places again and again."""
        memo = self._memo
        found = memo.get((what, text))
        if found is None:
            try:
                found = (getattr(self, what)(text), None)
            except RowError as exc:
                found = (None, exc)
            memo[(what, text)] = found
        if found[1] is not None:
            raise found[1]
        return found[0]

    def unit(self, text):
        unit = self.units.get(match_key(text))
        if unit is not None:
            return unit
        close = difflib.get_close_matches(text.strip(), self.unit_names, n=3, cutoff=0.6)
        if close:
            raise RowError(
                _("承办单位“%(name)s”不存在，最接近的有：%(names)s") % {"name": _shown(text), "names": "、".join(close)}
            )
        raise RowError(_("承办单位“%(name)s”不存在") % {"name": _shown(text)})

    def _category_label(self, pk):
        return "/".join(self.category_paths[pk])

    def category(self, text):
        levels = [match_key(p) for p in _LEVELS.split(unicodedata.normalize("NFKC", text).strip()) if p.strip()]
        if len(levels) == 1:
            found = self.categories_by_name.get(levels[0], [])
        else:
            levels = tuple(levels)
            found = [
                pk for pk, path in self.category_paths.items()
                if len(path) >= len(levels) and tuple(match_key(n) for n in path[-len(levels):]) == levels
            ]
        if len(found) == 1:
            return self.categories[found[0]]
        if not found:
            raise RowError(_("事项分类“%(name)s”不存在") % {"name": _shown(text)})
        paths = "、".join(sorted(self._category_label(pk) for pk in found)[:5])
        raise RowError(
            _("事项分类“%(name)s”不唯一（%(paths)s），请写出上级分类，如“城乡建设/道路/路灯”")
            % {"name": _shown(text), "paths": paths}
        )

    def village(self, text):
        levels = [match_key(p) for p in _LEVELS.split(unicodedata.normalize("NFKC", text).strip()) if p.strip()]
        if len(levels) == 2:
            village = self.villages_by_pair.get(tuple(levels))
            if village is not None:
                return village
            raise RowError(_("村/社区“%(name)s”不存在") % {"name": _shown(text)})
        if len(levels) == 1:
            found = self.villages_by_name.get(levels[0], [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                names = "、".join(sorted(f"{v.township.name}/{v.name}" for v in found)[:5])
                raise RowError(
                    _("村/社区“%(name)s”不唯一（%(names)s），请写成“乡镇/村”") % {"name": _shown(text), "names": names}
                )
            village = self.villages_by_pair.get(("", levels[0]))
            if village is not None:
                return village
        raise RowError(_("村/社区“%(name)s”不存在") % {"name": _shown(text)})


def parse_kind(text):
    if not text:
        return DEFAULT_KIND
    key = match_key(text)
    for code in Kind.values:
        if key == code:
            return code
    for label, code in KIND_LABELS.items():
        if key == label:
            return code
    for code, label in Kind.choices:  # the label in the active language (English: Help)
        if key == match_key(label):
            return code
    raise RowError(
        _("诉求类型“%(value)s”无效（可填：%(labels)s）") % {"value": _shown(text), "labels": "、".join(KIND_LABELS)}
    )


def parse_outcome(text):
    if not text:
        return ""
    key = match_key(text)
    for code in Outcome.values:
        if key == code:
            return code
    for label, code in OUTCOME_LABELS.items():
        if key == label:
            return code
    for code, label in Outcome.choices:
        if key == match_key(label):
            return code
    raise RowError(
        _("办理结果“%(value)s”无效（可填：%(labels)s，或留空）") % {"value": _shown(text), "labels": "、".join(OUTCOME_LABELS)}
    )


def content_digest(*, created_at, title, description, unit):
    """The row's content, normalized (time in UTC; text NFKC, lower-case, whitespace collapsed), hashed."""
    parts = [
        created_at.astimezone(dt.timezone.utc).isoformat(), normalize(title), normalize(description), match_key(unit),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def row_key(*, old_id, digest):
    """`Ticket.import_key`: `id:<the old system's id>` when there is one, else `row:<hash of the content>`."""
    if old_id:
        key = f"id:{old_id}"
        if len(key) <= KEY_MAX:
            return key
        return "id#" + hashlib.sha256(old_id.encode("utf-8")).hexdigest()[: KEY_MAX - 3]
    return "row:" + digest[: KEY_MAX - 4]


@dataclass
class Row:
    number: int
    key: str
    digest: str
    old_id: str
    fields: dict


def parse_row(number, cells, columns, lookups, *, now):
    """A Row ready for the workflow, or RowError with every problem of the row (joined by ；)."""

    def raw(column):
        position = columns.get(column)
        return cells[position] if position is not None and position < len(cells) else None

    def text(column):
        return _cell_text(raw(column))

    errors, fields = [], {}

    def check(column, parse):
        try:
            fields[column] = parse()
        except RowError as exc:
            errors.append(exc.message)

    check("created_at", lambda: parse_time(raw("created_at"), now=now))

    def title():
        value = " ".join(text("title").split())
        if not value:
            raise RowError(_("标题为空"))
        if len(value) > TITLE_MAX:
            raise RowError(_("标题有%(length)d个字，超过%(limit)d字") % {"length": len(value), "limit": TITLE_MAX})
        return value

    check("title", title)
    fields["description"] = text("description")

    def unit():
        value = text("unit")
        if not value:
            raise RowError(_("承办单位为空"))
        return lookups.cached("unit", value)

    check("unit", unit)
    check("kind", lambda: parse_kind(text("kind")))
    check("category", lambda: lookups.cached("category", text("category")) if text("category") else None)
    check("village", lambda: lookups.cached("village", text("village")) if text("village") else None)
    check("outcome", lambda: parse_outcome(text("outcome")))
    if errors:
        raise RowError("；".join(errors))
    old_id = unicodedata.normalize("NFKC", text("id")).strip()
    digest = content_digest(
        created_at=fields["created_at"], title=fields["title"], description=fields["description"], unit=text("unit")
    )
    return Row(number=number, key=row_key(old_id=old_id, digest=digest), digest=digest, old_id=old_id, fields=fields)


# --- the import -----------------------------------------------------------------------------------


@dataclass
class Report:
    rows: int = 0  # data rows read (blank rows not counted)
    imported: int = 0  # with dry_run: rows that would be imported
    already: int = 0  # taken by an earlier import (or the same row twice in the file)
    failed: list = field(default_factory=list)  # [(row number, reason)], by row number
    ignored_columns: list = field(default_factory=list)
    dry_run: bool = False

    def lines(self):
        """The report as the command prints it (Chinese by default)."""
        out = []
        if self.dry_run:
            out.append(_("试运行：只检查，未写入任何数据。"))
        out.append((_("可导入：%(count)d行") if self.dry_run else _("已导入：%(count)d行")) % {"count": self.imported})
        out.append(_("此前已导入（跳过）：%(count)d行") % {"count": self.already})
        out.append(_("未能导入：%(count)d行") % {"count": len(self.failed)})
        if self.ignored_columns:
            out.append(_("已忽略的列：%(columns)s") % {"columns": "、".join(self.ignored_columns)})
        out.extend(_("第%(row)d行：%(reason)s") % {"row": number, "reason": reason} for number, reason in self.failed)
        return out


def _existing_keys(keys):
    found = set()
    keys = list(keys)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        found.update(Ticket.objects.filter(import_key__in=chunk).values_list("import_key", flat=True))
    return found


def import_file(path, *, by=None, dry_run=False, progress=None):
    """Import the file's rows as closed tickets (`by`: the acting user, the system login by default).

    FileError when the file cannot be read or lacks a required column (nothing written). Otherwise
    every good row is imported (each in its own transaction) and the bad ones are listed in the
    Report. `dry_run`: everything is checked, nothing is written. `progress(done, total)` is called
    every few hundred rows.
    """
    by = by or workflow.system_user()
    access.check(by, "import_tickets")
    table = read_table(path)
    header, columns, ignored = find_columns(table)
    report = Report(ignored_columns=ignored, dry_run=dry_run)
    lookups = Lookups()
    now = clock.now()
    rows, seen = [], {}
    for number, cells in table[header + 1 :]:
        if _blank(cells):
            continue
        report.rows += 1
        try:
            row = parse_row(number, cells, columns, lookups, now=now)
        except RowError as exc:
            report.failed.append((number, exc.message))
            continue
        first = seen.get(row.key)
        if first is not None:
            if first.digest == row.digest:
                report.already += 1  # the same row twice: taken once
            else:
                report.failed.append(
                    (number, _("编号“%(id)s”与第%(row)d行相同，但内容不同") % {"id": _shown(row.old_id), "row": first.number})
                )
            continue
        seen[row.key] = row
        rows.append(row)
    existing = _existing_keys(seen)
    for done, row in enumerate(rows, start=1):
        if row.key in existing:
            report.already += 1
        elif dry_run:
            report.imported += 1
        else:
            try:
                _ticket, created = workflow.import_closed_ticket(by=by, key=row.key, **row.fields)
            except WorkflowError as exc:
                report.failed.append((row.number, exc.message))
            else:
                if created:
                    report.imported += 1
                else:
                    report.already += 1
        if progress is not None and (done % CHUNK == 0 or done == len(rows)):
            progress(done, len(rows))
    report.failed.sort(key=lambda item: item[0])
    return report
