"""The public ranking (单位排名) in the API: published months and a month's published table (a snapshot)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hotline.models import Unit

RATE_HELP = _("百分比（0–100，一位小数）；null 表示当月没有可计算的数据")


class RankingMonthSerializer(serializers.Serializer):
    month = serializers.DateField(format="%Y-%m", read_only=True, help_text=_("月份（YYYY-MM）"))
    published_at = serializers.DateTimeField(read_only=True, help_text=_("公布时间"))


class RankingRowSerializer(serializers.Serializer):
    unit = serializers.CharField(read_only=True, help_text=_("单位名称"))
    unit_kind = serializers.ChoiceField(choices=Unit.Kind.choices, read_only=True, help_text=_("单位类型"))
    rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("名次：得分相同名次相同，下一名次跳过（1、1、3）；null 为不排名")
    )
    mark = serializers.CharField(read_only=True, help_text=_("red（红榜）、black（黑榜）或空"))
    score = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True, help_text=_("综合得分（0–100）")
    )
    received = serializers.IntegerField(read_only=True, help_text=_("受理量"))
    signed_on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                                   help_text=RATE_HELP)
    replied_on_time_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                                    help_text=RATE_HELP)
    satisfaction_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                                 help_text=RATE_HELP)
    resolution_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                               help_text=RATE_HELP)
    return_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                           help_text=RATE_HELP)
    reopen_rate = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True, allow_null=True,
                                           help_text=RATE_HELP)


class RankingTableSerializer(RankingMonthSerializer):
    rows = RankingRowSerializer(many=True, read_only=True, help_text=_("排名表：名次在前，不排名的在后"))
