"""Import past work orders: `python manage.py import_tickets FILE [--dry-run] [--user USERNAME]`.

FILE is a CSV (UTF-8) or XLSX file with a header row: created_at, title, description, unit (or 受理时间,
标题, 诉求内容, 承办单位), optionally category, kind, village, outcome, id (事项分类, 诉求类型, 村/社区,
办理结果, 编号). Each good row becomes a closed ticket handled by its unit (counted in no KPI, read by
the unit classifier); the others are listed as `第N行：…` and the command exits non-zero. Importing
the same file again adds nothing. The checks and the import itself: hotline.routing.importer.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hotline import access, workflow
from hotline.errors import NotAllowed
from hotline.routing import importer


class Command(BaseCommand):
    help = (
        "导入历史工单（CSV UTF-8 或 XLSX，含表头）：必需列 created_at、title、description、unit"
        "（受理时间、标题、诉求内容、承办单位），可选 category、kind、village、outcome、id；"
        "每行生成一件已办结的历史工单，重复导入不会重复添加。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV（UTF-8）或 XLSX 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入任何数据")
        parser.add_argument("--user", help="以该用户身份导入（须为督办/管理员）；默认以系统账号导入")

    def handle(self, *args, file, dry_run=False, user=None, **options):
        by = self.acting_user(user)
        progress = None
        if options.get("verbosity", 1) >= 1 and not dry_run:

            def progress(done, total):
                if total > importer.CHUNK:  # a long import says how far it got
                    self.stderr.write(_("已处理 %(done)d/%(total)d 行") % {"done": done, "total": total})

        try:
            report = importer.import_file(file, by=by, dry_run=dry_run, progress=progress)
        except importer.FileError as exc:
            raise CommandError(_("未导入任何数据：%(reason)s") % {"reason": exc.message}) from None
        except NotAllowed as exc:
            raise CommandError(exc.message) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.imported and not dry_run:
            self.stdout.write(_("提示：派单模型在夜间自动重新训练；要立即训练，运行 python manage.py train_router。"))
        if report.failed:
            raise CommandError(
                _("有%(count)d行未能导入（见上）：改正后可再次导入同一文件，已导入的行不会重复。")
                % {"count": len(report.failed)}
            )

    def acting_user(self, username):
        if not username:
            return workflow.system_user()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户“%(name)s”不存在。") % {"name": username})
        if not access.can(user, "import_tickets"):
            raise CommandError(_("用户“%(name)s”无权导入历史工单（须为督办/管理员）。") % {"name": username})
        return user
