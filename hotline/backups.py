"""Backups of the hotline's data: the database and the uploaded photos (docs/backup.md).

`manage.py backup_db` writes one backup as files sharing a UTC stamp, in one folder:

    hotline-20260309T020000Z.dump           PostgreSQL: pg_dump --format=custom --no-owner
    hotline-20260309T020000Z.sqlite3        SQLite: a copy made with SQLite's online backup API
    hotline-20260309T020000Z-media.tar.gz   MEDIA_ROOT (the photos)
    hotline-20260309T020000Z.json           the manifest: engine, Django migrations, the row count of
                                            every table, the files' SHA-256; written last

Every file is written under a hidden temporary name (`.hotline-….partial`, mode 0600) and renamed
when complete, so a backup without its manifest is unfinished. The row counts are taken in the
same snapshot as the copy (PostgreSQL: an exported snapshot handed to `pg_dump --snapshot`;
SQLite: counted in the copy itself), so they match it exactly while the app keeps writing.

`manage.py restore_db FILE` checks the file against its manifest, refuses a database that is not
empty unless forced, restores (`pg_restore --clean --if-exists --no-owner --single-transaction`,
or SQLite's backup API into the target file), puts the photos back and, with `verify`, compares
the restored database's row counts with the manifest.

PostgreSQL's tools get the connection from the environment (PGHOST, PGUSER, PGPASSWORD …),
never a password on a command line; the pg_dump and pg_restore used are those of the server's
major version where installed (/usr/lib/postgresql/<major>/bin, HOTLINE_BACKUP_PG_BIN_DIR).
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import environ
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST_FORMAT = 1
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}
MEDIA_SUFFIX = "-media.tar.gz"
PARTIAL_SUFFIX = ".partial"
BACKUP_NAME = re.compile(r"^hotline-(?P<stamp>\d{8}T\d{6}Z)(?P<suffix>\.dump|\.sqlite3|\.json|-media\.tar\.gz)$")

# the tables a person checks first, by model (the manifest holds every table's count)
KEY_MODELS = {
    "tickets": "hotline.Ticket",
    "messages": "hotline.Message",
    "calls": "hotline.Call",
    "assignments": "hotline.Assignment",
    "ticket_events": "hotline.TicketEvent",
    "replies": "hotline.Reply",
    "residents": "hotline.Resident",
    "pledges": "hotline.Pledge",
    "pledge_updates": "hotline.PledgeUpdate",
    "pledge_votes": "hotline.PledgeVote",
    "promotion_requests": "hotline.PromotionRequest",
    "service_guides": "hotline.ServiceGuide",
    "users": "auth.User",
}

# libpq connection options a Django OPTIONS dict may carry, and their environment variables
_LIBPQ_ENV = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "channel_binding": "PGCHANNELBINDING",
    "gssencmode": "PGGSSENCMODE",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- the database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    engine: str  # "postgresql" or "sqlite"
    config: dict  # Django's settings dict: NAME, USER, PASSWORD, HOST, PORT, OPTIONS

    @classmethod
    def configured(cls, url=None):
        """The app's database, or the one a database URL names (postgres://…, sqlite:////path)."""
        config = environ.Env.db_url_config(url) if url else connections[DEFAULT_DB_ALIAS].settings_dict
        backend = config.get("ENGINE") or ""
        if "postgresql" in backend or "postgis" in backend:
            return cls("postgresql", dict(config))
        if "sqlite3" in backend:
            if not config.get("NAME") or config["NAME"] == ":memory:":
                raise BackupError(_("SQLite 数据库须是文件，不能是内存数据库。"))
            return cls("sqlite", dict(config))
        raise BackupError(_("不支持的数据库：%(engine)s（只支持 PostgreSQL 和 SQLite）。") % {"engine": backend})

    @property
    def label(self):
        if self.engine == "sqlite":
            return f"SQLite {self.config['NAME']}"
        return f"PostgreSQL {self.config.get('NAME')}@{self.config.get('HOST') or 'localhost'}"

    # PostgreSQL: connection parameters for psycopg, and the same as environment for the tools
    def pg_params(self):
        params = {
            "dbname": self.config.get("NAME"),
            "user": self.config.get("USER"),
            "password": self.config.get("PASSWORD"),
            "host": self.config.get("HOST"),
            "port": self.config.get("PORT"),
        }
        params |= {key: value for key, value in (self.config.get("OPTIONS") or {}).items() if key in _LIBPQ_ENV}
        return {key: str(value) for key, value in params.items() if value not in (None, "")}

    def pg_env(self):
        env = os.environ.copy()
        env.update({_LIBPQ_ENV[key]: value for key, value in self.pg_params().items()})
        return env

    @contextmanager
    def connect(self):
        """A plain DB-API connection (psycopg or sqlite3), outside Django's connection handling."""
        if self.engine == "sqlite":
            conn = sqlite3.connect(self.config["NAME"], timeout=20)
        else:
            import psycopg

            try:
                conn = psycopg.connect(**self.pg_params(), autocommit=True)
            except psycopg.Error as exc:
                raise BackupError(
                    _("无法连接数据库 %(db)s：%(error)s") % {"db": self.label, "error": str(exc).strip()}
                ) from None
        try:
            yield conn
        finally:
            conn.close()


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor, engine):
    """Every table of the database (as the manifest names them), with its quoted SQL name."""
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return {name: _quote(name) for (name,) in cursor.fetchall()}
    cursor.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        " ORDER BY schemaname, tablename"
    )
    return {
        (table if schema == "public" else f"{schema}.{table}"): f"{_quote(schema)}.{_quote(table)}"
        for schema, table in cursor.fetchall()
    }


def _count_rows(cursor, engine):
    """{table: rows} for every table, and the latest applied migration of each app, in one query each."""
    tables = _tables(cursor, engine)
    counts = {}
    names = list(tables)
    for start in range(0, len(names), 200):  # SQLite allows 500 terms in a compound SELECT
        chunk = names[start:start + 200]
        query = " UNION ALL ".join(f"SELECT {i}, COUNT(*) FROM {tables[name]}" for i, name in enumerate(chunk))
        cursor.execute(query)
        counts |= {chunk[i]: n for i, n in cursor.fetchall()}
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            migrations[app] = max(migrations.get(app, ""), name)
    return dict(sorted(counts.items())), dict(sorted(migrations.items()))


def count_rows(database):
    """Row counts of every table of `database`, and its migration heads (as in a manifest)."""
    with database.connect() as conn:
        return _count_rows(conn.cursor(), database.engine)


def summarize(tables):
    """The key counts (tickets, messages, … , history rows) out of every table's count."""
    from simple_history.models import HistoricalChanges

    summary = {key: tables.get(apps.get_model(label)._meta.db_table) for key, label in KEY_MODELS.items()}
    history = {
        model._meta.label: tables[model._meta.db_table]
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges) and model._meta.db_table in tables
    }
    summary["history_rows"] = sum(history.values())
    return summary, dict(sorted(history.items()))


def is_empty(database):
    """True when the database holds no table at all (a SQLite file that does not exist is empty)."""
    if database.engine == "sqlite" and not Path(database.config["NAME"]).exists():
        return True
    with database.connect() as conn:
        return not _tables(conn.cursor(), database.engine)


# --- PostgreSQL's tools -------------------------------------------------------------------------


def _tool_version(path):
    """(major, text) of `pg_dump --version` ("pg_dump (PostgreSQL) 15.20 (Debian …)")."""
    try:
        text = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None, ""
    match = re.search(r"\)\s*(\d+)", text)
    return (int(match.group(1)), text) if match else (None, text)


def pg_tool(name, *, server_major, minimum):
    """(path, major version, version text) of `name` (pg_dump, pg_restore): the server's major version first
    (HOTLINE_BACKUP_PG_BIN_DIR, then Debian's and the PGDG RPMs' folders), then the newest installed,
    then PATH; at least version `minimum`."""
    folders = []
    if configured := settings.HOTLINE.get("BACKUP_PG_BIN_DIR"):
        folders.append(Path(configured))
    folders += [Path(f"/usr/lib/postgresql/{server_major}/bin"), Path(f"/usr/pgsql-{server_major}/bin")]

    def version_of(folder):
        return int(folder.parent.name) if folder.parent.name.isdigit() else 0

    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version_of, reverse=True)
    candidates = [folder / name for folder in folders]
    if found := shutil.which(name):
        candidates.append(Path(found))
    tried, seen = [], set()
    for path in candidates:
        if path in seen or not (path.is_file() and os.access(path, os.X_OK)):
            continue
        seen.add(path)
        major, text = _tool_version(path)
        if major is not None and major >= minimum:
            return str(path), major, text
        tried.append(f"{path} ({text or '?'})")
    raise BackupError(
        _("找不到 PostgreSQL %(major)d 或更新版本的 %(tool)s（已试：%(tried)s）；请安装对应版本的客户端，"
          "或用 HOTLINE_BACKUP_PG_BIN_DIR 指定其目录。")
        % {"major": minimum, "tool": name, "tried": "，".join(tried) or "-"}
    )


def _run(command, *, env, what):
    started = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = "\n".join((result.stderr or result.stdout or "").strip().splitlines()[-15:])
        raise BackupError(_("%(tool)s 失败（退出码 %(code)d）：%(detail)s") % {
            "tool": what, "code": result.returncode, "detail": detail})
    return time.monotonic() - started


def _server_major(cursor):
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


# --- writing files -----------------------------------------------------------------------------


@contextmanager
def _written(final):
    """Yields a hidden temporary path (created empty, mode 0600) next to `final`; renamed to it once
    the block ends without error, removed otherwise."""
    temp = final.with_name(f".{final.name}{PARTIAL_SUFFIX}")
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield temp
        with open(temp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(final.parent)


def _fsync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backing up ---------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest_path: Path
    manifest: dict
    media_path: Path | None = None
    pruned: list = field(default_factory=list)
    seconds: float = 0.0


def _dump_postgresql(database, target):
    """pg_dump of the snapshot in which the rows are counted; returns the manifest's database part."""
    import psycopg

    with database.connect() as conn:
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        cursor = conn.cursor()
        major = _server_major(cursor)
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables, migrations = _count_rows(cursor, "postgresql")
        pg_dump, tool_major, version = pg_tool("pg_dump", server_major=major, minimum=major)
        _run(
            [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}",
             f"--dbname={database.config['NAME']}"],
            env=database.pg_env(), what="pg_dump",
        )
        conn.rollback()
    return {
        "database": database.config.get("NAME"),
        "server_version": server_version,
        "server_major": major,
        "tool": version,
        "tool_major": tool_major,
        "tables": tables,
        "migrations": migrations,
    }


def _copy_sqlite(database, target):
    """A consistent copy through SQLite's online backup API (a plain copy of a WAL database can miss
    committed pages still in the -wal file, or catch a half-written one); counted in the copy."""
    if not Path(database.config["NAME"]).is_file():  # sqlite3.connect would make an empty one
        raise BackupError(_("SQLite 数据库文件不存在：%(file)s") % {"file": database.config["NAME"]})
    source = sqlite3.connect(database.config["NAME"], timeout=20)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one consistent state
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(_("SQLite 副本检查未通过：%(result)s") % {"result": check})
            tables, migrations = _count_rows(copy.cursor(), "sqlite")
        finally:
            copy.close()
    finally:
        source.close()
    return {
        "database": Path(database.config["NAME"]).name,
        "sqlite_version": sqlite3.sqlite_version,
        "tables": tables,
        "migrations": migrations,
    }


def _tar_media(root, target):
    """MEDIA_ROOT's files as a tar.gz (photos are JPEGs already: light compression)."""
    root = Path(root)
    files = size = 0
    with open(target, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
                    files += 1
                    size += path.stat().st_size
    return {"files": files, "bytes_unpacked": size}


def back_up(*, out, media=True, keep_days=None, keep=None, database=None, now=None):
    """Write one backup into the folder `out` and prune the old ones there; returns a Backup."""
    started = time.monotonic()
    database = database or Database.configured()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    stamp = now.strftime(STAMP_FORMAT)
    if any(out.glob(f"hotline-{stamp}*")):
        raise BackupError(_("%(folder)s 中已有同一秒的备份 hotline-%(stamp)s，请稍后再试。") % {
            "folder": out, "stamp": stamp})
    path = out / f"hotline-{stamp}{SUFFIXES[database.engine]}"
    media_path = out / f"hotline-{stamp}{MEDIA_SUFFIX}" if media else None
    manifest_path = out / f"hotline-{stamp}.json"
    done = []
    try:
        with _written(path) as temp:
            part = _dump_postgresql(database, temp) if database.engine == "postgresql" else _copy_sqlite(database, temp)
        done.append(path)
        tables, migrations = part.pop("tables"), part.pop("migrations")
        counts, history = summarize(tables)
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "engine": database.engine,
            **part,
            "file": path.name,
            "bytes": path.stat().st_size,
            "sha256": sha256(path),
            "media": None,
            "migrations": migrations,
            "counts": counts,
            "history": history,
            "tables": tables,
        }
        if media_path:
            with _written(media_path) as temp:
                contents = _tar_media(settings.MEDIA_ROOT, temp)
            done.append(media_path)
            manifest["media"] = {
                "file": media_path.name, "bytes": media_path.stat().st_size, "sha256": sha256(media_path), **contents}
        with _written(manifest_path) as temp:
            temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except BaseException:
        for finished in done:  # no half backup: without its manifest nobody could check it
            finished.unlink(missing_ok=True)
        raise
    if keep_days is None:
        keep_days = settings.HOTLINE.get("BACKUP_KEEP_DAYS", 0)
    pruned = prune(out, keep_days=keep_days, keep=keep, now=now, spare={stamp})
    return Backup(path=path, manifest_path=manifest_path, manifest=manifest, media_path=media_path, pruned=pruned,
                  seconds=time.monotonic() - started)


def prune(out, *, keep_days=0, keep=None, now=None, spare=()):
    """Remove the backups in `out` taken more than `keep_days` days before `now` (0: no age limit) and
    all but the `keep` newest (None: no count limit), never one whose stamp is in `spare`; also
    temporary files left by a backup that died more than a day ago. Returns the removed paths."""
    out = Path(out)
    now = now or timezone.now()
    groups = {}
    removed = []
    for path in out.iterdir():
        if match := BACKUP_NAME.match(path.name):
            groups.setdefault(match["stamp"], []).append(path)
        elif path.name.startswith(".hotline-") and path.name.endswith(PARTIAL_SUFFIX):
            if time.time() - path.stat().st_mtime > 86400:
                path.unlink(missing_ok=True)
                removed.append(path)
    for rank, stamp in enumerate(sorted(groups, reverse=True)):  # newest first
        if stamp in spare:
            continue
        taken = dt.datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=dt.UTC)
        too_old = bool(keep_days) and now - taken > dt.timedelta(days=keep_days)
        too_many = keep is not None and rank >= keep
        if too_old or too_many:
            for path in sorted(groups[stamp]):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


# --- restoring ----------------------------------------------------------------------------------


@dataclass
class Restore:
    database: Database
    manifest: dict | None
    media_files: int | None = None
    problems: list = field(default_factory=list)  # mismatches found by verify
    verified: bool = False
    seconds: float = 0.0


def manifest_for(path):
    """The manifest next to a backup file (None if there is none)."""
    path = Path(path)
    for suffix in SUFFIXES.values():
        if path.name.endswith(suffix):
            candidate = path.with_name(path.name[: -len(suffix)] + ".json")
            if candidate.is_file():
                return json.loads(candidate.read_text(encoding="utf-8"))
    return None


def restore(path, *, database=None, force=False, verify=False, media=True):
    """Restore the backup file `path` (.dump or .sqlite3) into `database` (default: the app's)."""
    started = time.monotonic()
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("备份文件不存在：%(file)s") % {"file": path})
    database = database or Database.configured()
    manifest = manifest_for(path)
    engine = manifest["engine"] if manifest else next(
        (engine for engine, suffix in SUFFIXES.items() if path.name.endswith(suffix)), None)
    if engine != database.engine:
        raise BackupError(_("备份是 %(backup)s 的，目标数据库是 %(target)s：只能恢复到同一种数据库。") % {
            "backup": engine or "?", "target": database.engine})
    if manifest is None and verify:
        raise BackupError(_("找不到备份的清单文件（.json），无法核对。"))
    if manifest and sha256(path) != manifest["sha256"]:
        raise BackupError(_("备份文件与清单的校验值不符（文件损坏或被改动）：%(file)s") % {"file": path})
    media_path = None
    if media and manifest and manifest.get("media"):
        media_path = path.with_name(manifest["media"]["file"])
        if not media_path.is_file() or sha256(media_path) != manifest["media"]["sha256"]:
            raise BackupError(_("照片备份缺失或与清单的校验值不符：%(file)s") % {"file": media_path})
    if not force and not is_empty(database):
        raise BackupError(_("目标数据库 %(db)s 不是空的：恢复会覆盖其中的数据。确认要覆盖请加 --force。") % {
            "db": database.label})
    if database.engine == "postgresql":
        _restore_postgresql(database, path, manifest)
    else:
        _restore_sqlite(database, path)
    result = Restore(database=database, manifest=manifest)
    if media_path:
        result.media_files = _untar_media(media_path, settings.MEDIA_ROOT)
    if verify:
        result.problems = compare(database, manifest)
        if manifest.get("media") and media_path and result.media_files != manifest["media"]["files"]:
            result.problems.append(_("照片：清单 %(expected)d 个，恢复 %(got)d 个") % {
                "expected": manifest["media"]["files"], "got": result.media_files})
        result.verified = True
    result.seconds = time.monotonic() - started
    return result


def _restore_postgresql(database, path, manifest):
    with database.connect() as conn:
        major = _server_major(conn.cursor())
    made_by = (manifest or {}).get("tool_major") or 0
    pg_restore, _major, _text = pg_tool("pg_restore", server_major=major, minimum=made_by)
    _run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={database.config['NAME']}", str(path)],
        env=database.pg_env(), what="pg_restore",
    )
    with database.connect() as conn:
        conn.execute("ANALYZE")  # pg_restore leaves the planner without statistics


def _restore_sqlite(database, path):
    target = Path(database.config["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target, timeout=20)
        try:
            # a WAL destination must match the source's page size; the backup is in rollback mode
            dest.execute("PRAGMA journal_mode=DELETE")
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")  # as the app runs it
        finally:
            dest.close()
    finally:
        source.close()


def _untar_media(archive, root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(root, members=members, filter="data")  # nothing outside root, no links or devices
    return len(members)


def compare(database, manifest):
    """What differs between the database and the manifest: a line per table whose row count is not
    the manifest's, and the migrations if they differ."""
    tables, migrations = count_rows(database)
    problems = []
    for table, expected in manifest["tables"].items():
        got = tables.get(table)
        if got != expected:
            problems.append(_("表 %(table)s：清单 %(expected)d 行，现有 %(got)s 行") % {
                "table": table, "expected": expected, "got": "-" if got is None else got})
    if migrations != manifest["migrations"]:
        problems.append(_("数据库迁移与清单不同：%(got)s ≠ %(expected)s") % {
            "got": migrations, "expected": manifest["migrations"]})
    return problems


def pending_migrations(manifest):
    """The apps whose code has migrations newer than the backup's (run `migrate` after restoring)."""
    from django.db.migrations.loader import MigrationLoader

    latest = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes():
        latest[app] = max(latest.get(app, ""), name)
    return sorted(app for app, name in latest.items() if name > manifest["migrations"].get(app, ""))
