"""The public ranking (单位排名) in the API, no login: the published months and a month's table as published."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api.ranking_serializers import RankingMonthSerializer, RankingTableSerializer
from api.views.tickets import ApiView
from hotline import ranking
from hotline.errors import InvalidInput
from hotline.models import RankingPublication

MONTH = OpenApiParameter(
    "month", OpenApiTypes.STR, OpenApiParameter.PATH, description=gettext_lazy("月份，如 2026-10"),
)


@extend_schema(tags=["ranking"])
class PublicRankingListView(ApiView):
    permission_classes = [AllowAny]
    queryset = RankingPublication.objects.none()  # for the schema generator only
    serializer_class = RankingMonthSerializer

    @extend_schema(
        operation_id="public_ranking_list",
        summary=gettext_lazy("公开的单位排名月份"),
        description=gettext_lazy("督办公开了排名的月份，新的在前，无需登录。撤回公开的月份不再列出。"),
        responses={200: RankingMonthSerializer(many=True)},
    )
    def get(self, request):
        return Response(RankingMonthSerializer(ranking.public_index(), many=True).data)


@extend_schema(tags=["ranking"], parameters=[MONTH])
class PublicRankingDetailView(ApiView):
    permission_classes = [AllowAny]
    queryset = RankingPublication.objects.none()  # for the schema generator only
    serializer_class = RankingTableSerializer
    schema_errors = ("401", "403", "404", "429")

    @extend_schema(
        operation_id="public_ranking_retrieve",
        summary=gettext_lazy("一个月的单位排名（公开）"),
        description=gettext_lazy(
            "公开时的排名表（快照）：之后的申诉结果不改变它，督办重新公开时才更新。得分是及时签收率、按时办结率、"
            "满意率、解决率、未退单率（100 − 退单率）和未重办率（100 − 重办率）按权重的加权平均，没有数据的指标"
            "连同权重不计入；受理量不足的单位列出但不排名。没有公开或已撤回的月份得到 404。"
        ),
        responses={200: RankingTableSerializer},
    )
    def get(self, request, month):
        try:
            first = ranking.parse_month(month)
        except InvalidInput as error:
            raise NotFound(_("没有这个月份的公开排名。")) from error
        publication = ranking.public_months().filter(month=first).first()
        if publication is None:
            raise NotFound(_("没有这个月份的公开排名。"))
        return Response(RankingTableSerializer(publication).data)
