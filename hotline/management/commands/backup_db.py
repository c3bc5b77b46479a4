"""Back up the database and the photos: `python manage.py backup_db [--out DIR] [--keep-days N] [--keep N]`.

PostgreSQL: `pg_dump --format=custom --no-owner` (the server's version of pg_dump, the password through
PGPASSWORD); SQLite: a consistent copy through SQLite's online backup API, safe while the app runs.
Beside it, MEDIA_ROOT as a tar.gz and a JSON manifest (engine, migrations, every table's row count,
SHA-256) that `restore_db --verify` checks against. Old backups in DIR are removed after
HOTLINE_BACKUP_KEEP_DAYS days. See hotline/backups.py and docs/backup.md.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import backups

COUNT_LABELS = {
    "tickets": gettext_lazy("工单"),
    "messages": gettext_lazy("短信"),
    "assignments": gettext_lazy("派单记录"),
    "ticket_events": gettext_lazy("工单动态"),
    "history_rows": gettext_lazy("历史记录"),
    "pledges": gettext_lazy("承诺事项"),
    "residents": gettext_lazy("群众"),
}


def counts_line(counts):
    return "，".join(f"{label} {counts.get(key) or 0}" for key, label in COUNT_LABELS.items())


class Command(BaseCommand):
    help = _("备份数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）和照片，附清单；并删除过期的备份。")

    def add_arguments(self, parser):
        parser.add_argument("--out", help=_("备份目录（默认 HOTLINE_BACKUP_DIR）"))
        parser.add_argument("--keep-days", type=int,
                            help=_("删除早于这么多天的备份（默认 HOTLINE_BACKUP_KEEP_DAYS；0 表示不按天数删除）"))
        parser.add_argument("--keep", type=int, help=_("最多保留最新的这么多份备份"))
        parser.add_argument("--no-media", action="store_true", help=_("不备份照片（MEDIA_ROOT）"))

    def handle(self, *args, out=None, keep_days=None, keep=None, no_media=False, **options):
        if (keep_days is not None and keep_days < 0) or (keep is not None and keep < 1):
            raise CommandError(_("--keep-days 不能为负数，--keep 至少为 1。"))
        try:
            backup = backups.back_up(
                out=out or settings.HOTLINE["BACKUP_DIR"], media=not no_media, keep_days=keep_days, keep=keep)
        except backups.BackupError as exc:
            raise CommandError(exc.message) from None
        manifest = backup.manifest
        self.stdout.write(_("已备份 %(db)s → %(file)s（%(size).1f MB，用时 %(seconds).1f 秒）") % {
            "db": manifest["engine"], "file": backup.path, "size": manifest["bytes"] / 1e6, "seconds": backup.seconds})
        if backup.media_path:
            self.stdout.write(_("照片 %(files)d 个 → %(file)s") % {
                "files": manifest["media"]["files"], "file": backup.media_path})
        self.stdout.write(_("清单 %(file)s：%(counts)s") % {
            "file": backup.manifest_path, "counts": counts_line(manifest["counts"])})
        if backup.pruned:
            self.stdout.write(_("已删除过期备份文件 %(count)d 个。") % {"count": len(backup.pruned)})
