"""Restore a backup: `python manage.py restore_db FILE [--force] [--verify] [--database-url URL]`.

FILE is a `hotline-….dump` (PostgreSQL) or `hotline-….sqlite3` (SQLite) written by backup_db. It is
checked against its manifest, then restored into the app's database or the one `--database-url` names
(`pg_restore --clean --if-exists --no-owner --single-transaction`; SQLite's backup API), and the photos
go back into MEDIA_ROOT. A database that is not empty is refused unless `--force`. `--verify`
compares every table's row count with the manifest and exits non-zero on a difference.
Stop the web server, the worker and the scheduler first. See docs/backup.md.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hotline import backups
from hotline.management.commands.backup_db import counts_line


class Command(BaseCommand):
    help = _("从 backup_db 的备份恢复数据库和照片；目标数据库须为空（或加 --force），--verify 核对各表行数。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("备份文件（hotline-….dump 或 hotline-….sqlite3）"))
        parser.add_argument("--force", action="store_true", help=_("目标数据库不是空的也恢复（覆盖其中的数据）"))
        parser.add_argument("--verify", action="store_true", help=_("恢复后核对各表行数与清单一致，不一致时以非零状态退出"))
        parser.add_argument("--database-url", help=_("恢复到这个数据库（默认：本应用配置的数据库）"))
        parser.add_argument("--no-media", action="store_true", help=_("不恢复照片"))

    def handle(self, *args, file, force=False, verify=False, database_url=None, no_media=False, **options):
        try:
            database = backups.Database.configured(database_url)
            result = backups.restore(file, database=database, force=force, verify=verify, media=not no_media)
        except backups.BackupError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(_("已恢复 %(file)s → %(db)s（用时 %(seconds).1f 秒）") % {
            "file": file, "db": database.label, "seconds": result.seconds})
        if result.media_files is not None:
            self.stdout.write(_("照片 %(files)d 个 → MEDIA_ROOT") % {"files": result.media_files})
        if result.manifest:
            pending = backups.pending_migrations(result.manifest)
            if pending:
                self.stdout.write(_("备份的数据库结构比代码旧（%(apps)s）：请运行 python manage.py migrate。") % {
                    "apps": "、".join(pending)})
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(_("核对未通过：恢复后的数据库与备份清单有 %(count)d 处不同（见上）。") % {
                "count": len(result.problems)})
        if result.verified:
            self.stdout.write(_("核对通过：各表行数与清单一致（%(counts)s）。") % {
                "counts": counts_line(result.manifest["counts"])})
