"""Backups (issue 10): `manage.py backup_db` and `manage.py restore_db` on the engine the suite runs on
(SQLite locally, PostgreSQL with pg_dump/pg_restore in CI).

The demo is loaded and committed once for the module (pg_dump reads it from another connection),
backed up while another connection holds an uncommitted write, and restored into a fresh database (on
PostgreSQL one created here and dropped at the end, on SQLite a new file). Every table of the restored
database (tickets, messages, assignments, events, every history table, pledges, residents …) must hold
the same rows as the source: the same count and the same checksum of every column of every row. The
database is emptied at the end, as after any transactional test.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from contextlib import contextmanager
from importlib import import_module
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.test import override_settings

from hotline import backups
from hotline.models import Pledge, Resident, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_TICKETS = 20
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]
UNCOMMITTED_PHONE = "+8613912345678"


def _plain(value):
    if isinstance(value, (bytes, memoryview)):  # binary columns (trained models): their digest
        return hashlib.sha256(bytes(value)).hexdigest()
    return str(value)


def table_snapshot(alias):
    """{model: (rows, SHA-256 of every column of every row in primary-key order)} for every table."""
    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        digest, rows = hashlib.sha256(), 0
        for row in model._base_manager.using(alias).order_by("pk").values_list(*columns).iterator():
            digest.update(json.dumps(row, default=_plain, sort_keys=True, ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
        snapshot[model._meta.label] = (rows, digest.hexdigest())
    return snapshot


def media_files(root):
    root = Path(root)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@contextmanager
def database_alias(alias, name):
    """A second connection, to the database `name` on the test database's server, as `alias` (made
    here, not added to the settings: Django's test case allows such a connection)."""
    config = {**connections["default"].settings_dict, "NAME": name}
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def put_back_migration_data():
    """The rows the data migration made (role groups, the system login, SLA table …): an earlier
    transactional test may have emptied the tables (as conftest's `migration_data` does)."""
    loader = MigrationLoader(connections["default"], ignore_no_migrations=True)
    state_apps = loader.project_state(("hotline", "0002_roles_and_defaults")).apps
    import_module("hotline.migrations.0002_roles_and_defaults").forwards(state_apps, None)


@contextmanager
def another_connection_writing():
    """The running app, as it were: another connection holds a new resident, not yet committed."""
    with database_alias("writer", connections["default"].settings_dict["NAME"]) as alias:
        with transaction.atomic(using=alias):
            # (bulk_create: simple_history would write the history row through the default connection)
            Resident.objects.using(alias).bulk_create([Resident(phone=UNCOMMITTED_PHONE, name="写入中")])
            assert Resident.objects.using(alias).filter(phone=UNCOMMITTED_PHONE).exists()
            yield
            transaction.set_rollback(True, using=alias)


@pytest.fixture(scope="module")
def backed_up(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo committed, its snapshot, and one backup of it (taken during another connection's write)."""
    media = tmp_path_factory.mktemp("media-source")
    out = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media), PASSWORD_HASHERS=FAST_HASHING):
        try:
            put_back_migration_data()
            call_command("load_demo", tickets=DEMO_TICKETS, debug_off_ok=True, stdout=StringIO())
            source = table_snapshot("default")
            output = StringIO()
            with another_connection_writing():
                call_command("backup_db", out=str(out), stdout=output)
            [manifest_path] = out.glob("hotline-*.json")
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            yield SimpleNamespace(
                out=out, media=media, source=source, output=output.getvalue(), manifest=manifest,
                file=out / manifest["file"], engine=backups.Database.configured().engine,
            )
        finally:
            call_command("flush", interactive=False, verbosity=0)  # as after any transactional test


def _postgres_url(config, name):
    password = config.get("PASSWORD")
    auth = quote(config.get("USER") or "", safe="") + (f":{quote(password, safe='')}" if password else "")
    return f"postgres://{auth}@{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}/{quote(name)}"


@pytest.fixture(scope="module")
def fresh(django_db_setup, tmp_path_factory):
    """A database that does not exist yet (SQLite: a new file) or is empty (PostgreSQL: created here,
    dropped at the end), as `name` and `url`."""
    source = backups.Database.configured()
    if source.engine == "sqlite":
        path = tmp_path_factory.mktemp("restored") / "hotline.sqlite3"
        yield SimpleNamespace(name=str(path), url=f"sqlite:///{path}")
        return
    import psycopg
    from psycopg import sql

    name = f"{source.config['NAME']}_restored"[:63]
    server = {**source.pg_params(), "dbname": "postgres"}

    def drop(conn):
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    with psycopg.connect(**server, autocommit=True) as conn:
        drop(conn)
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    try:
        yield SimpleNamespace(name=name, url=_postgres_url(source.config, name))
    finally:
        with psycopg.connect(**server, autocommit=True) as conn:
            drop(conn)


@pytest.fixture(scope="module")
def restored(backed_up, fresh, django_db_blocker, tmp_path_factory):
    """The backup restored into the fresh database (and its photos into a new MEDIA_ROOT), verified."""
    media = tmp_path_factory.mktemp("media-restored")
    output = StringIO()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        call_command("restore_db", str(backed_up.file), database_url=fresh.url, verify=True, stdout=output)
        with database_alias("restored", fresh.name) as alias:
            snapshot = table_snapshot(alias)
    return SimpleNamespace(snapshot=snapshot, media=media, output=output.getvalue())


def test_a_backup_is_the_database_the_photos_and_a_manifest_of_every_tables_rows(backed_up):
    stamp = backed_up.file.name.removeprefix("hotline-").split(".")[0]
    suffix = {"postgresql": ".dump", "sqlite": ".sqlite3"}[backed_up.engine]
    assert sorted(p.name for p in backed_up.out.iterdir()) == sorted(
        [f"hotline-{stamp}{suffix}", f"hotline-{stamp}-media.tar.gz", f"hotline-{stamp}.json"])  # no temporary file
    assert dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    for path in backed_up.out.iterdir():  # residents' data: readable by the owner only
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    manifest = backed_up.manifest
    assert manifest["engine"] == backed_up.engine
    assert manifest["sha256"] == backups.sha256(backed_up.file)
    latest = max(name for app, name in MigrationLoader(None).graph.leaf_nodes() if app == "hotline")
    assert manifest["migrations"]["hotline"] == latest
    # the counts are those of the committed data: the other connection's open write is not in them
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            assert manifest["tables"][model._meta.db_table] == backed_up.source[model._meta.label][0], model
    counts = manifest["counts"]
    assert counts["tickets"] == backed_up.source["hotline.Ticket"][0] >= DEMO_TICKETS
    assert counts["pledges"] == backed_up.source["hotline.Pledge"][0] > 0
    assert counts["messages"] > 0 and counts["ticket_events"] > 0 and counts["assignments"] > 0
    assert counts["history_rows"] == sum(manifest["history"].values()) > counts["tickets"]
    assert manifest["history"]["hotline.HistoricalTicket"] == backed_up.source["hotline.HistoricalTicket"][0]
    assert manifest["media"]["files"] == len(media_files(backed_up.media)) > 0
    if backed_up.engine == "postgresql":  # the pg_dump of the server's own major version
        assert manifest["tool_major"] == manifest["server_major"]
    assert f"工单 {counts['tickets']}" in backed_up.output


def test_restoring_into_a_fresh_database_brings_back_every_row_of_every_table(backed_up, restored):
    source = backed_up.source
    for label in ("hotline.Ticket", "hotline.Message", "hotline.Assignment", "hotline.TicketEvent",
                  "hotline.HistoricalTicket", "hotline.HistoricalAssignment", "hotline.Pledge",
                  "hotline.PledgeUpdate", "hotline.Resident"):
        assert source[label][0] > 0, label  # nothing compared empty with empty
    differing = {label for label in source if restored.snapshot.get(label) != source[label]}
    assert differing == set()
    assert restored.snapshot == source
    assert media_files(restored.media) == media_files(backed_up.media)
    assert "核对通过" in restored.output


def test_a_database_that_is_not_empty_is_refused_unless_forced(backed_up, restored, fresh, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with pytest.raises(CommandError, match="--force"):
        call_command("restore_db", str(backed_up.file), database_url=fresh.url, stdout=StringIO())
    assert not (tmp_path / "media").exists()  # refused before anything was touched

    with database_alias("restored", fresh.name) as alias:  # a change made after the backup …
        Ticket.objects.using(alias).filter(pk=Ticket.objects.using(alias).order_by("pk")[0].pk).update(title="改过")
        Pledge.objects.using(alias).update(title="改过")
        Resident.objects.using(alias).bulk_create([Resident(phone=UNCOMMITTED_PHONE, name="后来的")])
    call_command("restore_db", str(backed_up.file), database_url=fresh.url, force=True, verify=True,
                 stdout=StringIO())
    with database_alias("restored", fresh.name) as alias:  # … is replaced by the backup's rows
        assert table_snapshot(alias) == backed_up.source


def test_verify_fails_when_the_restored_rows_differ_from_the_manifest(backed_up, restored, fresh, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    copy = tmp_path / backed_up.file.name
    shutil.copy(backed_up.file, copy)
    manifest = dict(backed_up.manifest, media=None)  # the database only
    table = Ticket._meta.db_table
    manifest["tables"] = {**manifest["tables"], table: manifest["tables"][table] + 1}
    copy.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    errors = StringIO()
    with pytest.raises(CommandError, match="核对未通过"):
        call_command("restore_db", str(copy), database_url=fresh.url, force=True, verify=True,
                     stdout=StringIO(), stderr=errors)
    assert f"{table}：清单" in errors.getvalue()


def test_a_damaged_backup_file_is_refused_before_anything_is_restored(backed_up, fresh, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    copy = tmp_path / backed_up.file.name
    shutil.copy(backed_up.file, copy)
    shutil.copy(backed_up.file.with_suffix(".json"), copy.with_suffix(".json"))
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore_db", str(copy), database_url=fresh.url, force=True, stdout=StringIO())
    assert not (tmp_path / "media").exists()


def test_old_backups_age_out_after_the_retention_setting(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HOTLINE = {**settings.HOTLINE, "BACKUP_KEEP_DAYS": 30}
    out = tmp_path / "backups"
    out.mkdir()
    now = dt.datetime.now(dt.UTC)

    def old_backup(days):
        stamp = (now - dt.timedelta(days=days)).strftime("%Y%m%dT%H%M%SZ")
        names = [f"hotline-{stamp}.dump", f"hotline-{stamp}-media.tar.gz", f"hotline-{stamp}.json"]
        for name in names:
            (out / name).write_text("old")
        return set(names)

    expired, kept = old_backup(31) | old_backup(90), old_backup(29) | old_backup(2)
    (out / "notes.txt").write_text("not a backup")
    stale = out / ".hotline-20200101T000000Z.dump.partial"  # left by a backup that died
    stale.write_text("half")
    os.utime(stale, (0, 0))

    output = StringIO()
    call_command("backup_db", out=str(out), stdout=output)
    names = {p.name for p in out.iterdir()}
    assert names & expired == set() and stale.name not in names
    assert kept | {"notes.txt"} <= names
    assert len(names - kept - {"notes.txt"}) == 3  # the new backup
    assert "已删除过期备份文件 7 个" in output.getvalue()

    removed = backups.prune(out, keep_days=0, keep=1, now=now)  # --keep 1: only the newest one
    assert {p.name for p in out.iterdir()} == (names - kept)
    assert len(removed) == 6


def test_the_pg_dump_of_the_servers_version_is_used_and_an_older_one_refused(settings, tmp_path):
    def fake_tool(folder, version):
        folder.mkdir()
        tool = folder / "pg_dump"
        tool.write_text(f'#!/bin/sh\necho "pg_dump (PostgreSQL) {version} (fake)"\n')
        tool.chmod(0o755)
        return tool

    newer = fake_tool(tmp_path / "v78", "78.1")
    settings.HOTLINE = {**settings.HOTLINE, "BACKUP_PG_BIN_DIR": str(newer.parent)}
    assert backups.pg_tool("pg_dump", server_major=78, minimum=78)[:2] == (str(newer), 78)

    older = fake_tool(tmp_path / "v14", "14.9")  # a pg_dump cannot dump a newer server
    settings.HOTLINE = {**settings.HOTLINE, "BACKUP_PG_BIN_DIR": str(older.parent)}
    with pytest.raises(backups.BackupError, match="HOTLINE_BACKUP_PG_BIN_DIR") as refused:
        backups.pg_tool("pg_dump", server_major=78, minimum=78)
    assert f"{older} (pg_dump (PostgreSQL) 14.9 (fake))" in refused.value.message
