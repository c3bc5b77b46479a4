"""The OpenAPI document: what the REST API's operations answer when they fail, and its description.

Every operation of api/ documents its error responses with the one error shape
(api.errors.ErrorSerializer), so a client generated from the document knows them.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.errors import ErrorSerializer

ERROR_TEXTS = {
    "400": _("输入有误：error.fields 列出各字段的问题"),
    "401": _("未登录，或令牌无效/已撤销（Authorization: Token <key>）"),
    "403": _("没有权限：能看到该工单，但不能执行此操作；或账号角色不能使用此接口"),
    "404": _("不存在，或您无权查看（不透露是否存在）；列表：无效的分页游标"),
    "409": _("工单当前状态不允许此操作（如已签收的工单再次签收）"),
    "429": _("请求过于频繁（见 Retry-After）"),
    "502": _("外部服务（电话平台）未能完成请求，请稍后再试"),
}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema plus the error responses each operation can give.

    A view may set `schema_errors` (e.g. ("400", "403", "404", "409"), or a dict by HTTP method); otherwise:
    401, 403 and 429 everywhere, 404 on paths with an identifier and on paginated lists
    (a cursor that is not ours), 400 on writes and on lists with filters.
    """

    def _error_codes(self):
        declared = getattr(self.view, "schema_errors", None)
        if isinstance(declared, dict):
            declared = declared.get(self.method)
        if declared is not None:
            return list(declared)
        codes = ["401", "403", "429"]
        if "{" in self.path or getattr(self.view, "pagination_class", None):
            codes.append("404")  # an unknown identifier, or a cursor that is not one of ours
        if self.method in ("POST", "PUT", "PATCH") or getattr(self.view, "filterset_class", None):
            codes.append("400")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._error_codes()):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=str(ERROR_TEXTS[code])), code,
                    direction=direction,
                )
        return responses


def only_the_rest_api(endpoints, **kwargs):
    """PREPROCESSING_HOOKS: the document covers /api/ only (Open311 at /open311/v2/ has its own spec)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


DESCRIPTION = _("""
办实事热线的 REST 接口：工单的查询、受理和全部办理动作，承办单位、村/社区、群众（仅热线人员）和办理时限。

**认证**：浏览器会话（同时需 CSRF 令牌），或令牌 `Authorization: Token <key>`。
令牌由用户本人在 `POST /api/auth/token/` 创建或更换（会话登录，或提交用户名和密码），
`DELETE /api/auth/token/` 撤销；管理员也可在后台“令牌”中管理。

**权限**与工作台相同：话务员和督办看到全部工单；承办单位只看到本单位当前承办的工单
（经办人只看到转交给自己的），永远看不到保密工单和举报件的群众姓名、电话。
看不到的工单一律 404，不透露是否存在；看得到但不能执行的操作 403。

**工单号**（7 或 8 位数字）是群众和其他系统引用工单的号码，也是路径中的标识：`/api/tickets/{number}/`。

**错误**一律为同一形状：

```json
{"error": {"code": "invalid_state", "message": "工单1234567已签收或不在待签收状态。", "fields": {}}}
```

| 状态码 | code |
| --- | --- |
| 400 | `invalid`（输入格式）、`invalid_input`（办理规则），`fields` 列出各字段的问题 |
| 401 | `not_authenticated`、`authentication_failed` |
| 403 | `permission_denied` |
| 404 | `not_found` |
| 409 | `invalid_state` |
| 429 | `throttled`（见 `Retry-After`） |
| 502 | `service_unavailable`（如电话平台未接受中转呼叫） |

**列表**：工单、群众、短信和通话按游标分页（`cursor`，`page_size` 最大 100），返回 `next`/`previous` 链接；
承办单位、村/社区和办理时限一次返回全部。

**限流**：匿名按地址、登录用户按账号限制每分钟请求数，超出得到 429。

**上级平台**（12345）以自己的账号受理工单时须填写 `external_id`：同一工单号重复提交得到同一件工单
（首次 201，之后 200）。
""")


# SPECTACULAR_SETTINGS["TITLE"] in the language of the request
TITLE = _("办实事热线 API")


def describe(result, generator, request, public):
    """POSTPROCESSING_HOOKS: the title and the description above, and the token scheme named as clients send it."""
    result["info"]["title"] = str(TITLE)
    result["info"]["description"] = DESCRIPTION.strip()
    return result
