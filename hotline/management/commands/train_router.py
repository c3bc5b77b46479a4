"""Train the unit classifier now (the scheduler also does it nightly when there is new history)."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hotline.models import RouterModel
from hotline.routing import training


def _percent(value):
    return "-" if value is None else f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = _("训练派单模型：用本系统的历史工单（最终办理且未退回的单位）训练，留出最新的五分之一检验，不比使用中的差才采用。")

    def add_arguments(self, parser):
        parser.add_argument("--user", help=_("记为操作人的用户名（默认不记）"))

    def handle(self, *args, user=None, **options):
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(_("没有用户“%(user)s”。") % {"user": user})
        run = training.train(by=by, trigger="manual")
        if run is None:
            raise CommandError(_("另一次训练正在进行，请稍后再试。"))
        self.stdout.write(
            _("v%(version)d %(status)s：历史工单 %(samples)d 件（训练 %(train)d，检验 %(test)d），%(classes)d 个单位；"
              "首位命中率 %(top1)s，前三命中率 %(top3)s，使用中版本 %(old)s，仅规则 %(rules)s。")
            % {
                "version": run.version, "status": run.get_status_display(), "samples": run.samples,
                "train": run.train_samples, "test": run.test_samples, "classes": run.classes,
                "top1": _percent(run.top1), "top3": _percent(run.top3), "old": _percent(run.compared_top1),
                "rules": _percent(run.rules_top1),
            }
        )
        if run.note:
            self.stdout.write(run.note)
        if run.status == RouterModel.Status.FAILED:
            raise CommandError(_("训练失败。"))
