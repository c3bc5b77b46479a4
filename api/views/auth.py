"""A user's own API token: create or rotate (POST), revoke (DELETE).

POST works with the browser session (plus its CSRF token), with the current token, or
with username and password; the password is checked through the login throttle
(hotline.login_throttle), exactly as on the login page. Each user has one token: a
new one replaces the old, which stops working at once.
"""

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from api.inputs import TokenInput
from api.views.tickets import ApiView
from hotline import login_throttle


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=gettext_lazy("以 Authorization: Token <token> 发送"))
    username = serializers.CharField()
    created = serializers.DateTimeField()


class _LoginThrottled(Throttled):
    def __init__(self, verdict):
        super().__init__(wait=verdict.wait_seconds, detail=verdict.message)


def _check_password(request, username, password):
    address = login_throttle.client_address(request._request)
    verdict = login_throttle.check(username=username, address=address)
    if not verdict.allowed:
        raise _LoginThrottled(verdict)
    user = authenticate(request._request, username=username, password=password)
    if user is None:
        login_throttle.record_failure(username=username, address=address)
        raise AuthenticationFailed(_("用户名或密码不正确。"))
    login_throttle.record_success(username=username)
    return user


@extend_schema(tags=["auth"])
class TokenView(ApiView):
    serializer_class = TokenInput
    schema_errors = {"POST": ("400", "401", "403", "429"), "DELETE": ("401", "403", "429")}

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]  # username and password are an authentication of their own
        return [IsAuthenticated()]

    @extend_schema(
        operation_id="auth_token_create",
        summary=gettext_lazy("创建或更换自己的令牌"),
        description=gettext_lazy(
            "已登录（会话或令牌）时不需要请求体；否则提交 username 和 password（失败过多会被限制，与登录页相同）。"
            "每人一个令牌：新令牌生成后旧令牌立即失效。"
        ),
        request=TokenInput,
        responses={201: OpenApiResponse(TokenSerializer, description=gettext_lazy("新令牌"))},
        auth=[{"tokenAuth": []}, {"cookieAuth": []}, {}],
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data.get("username"), data.validated_data.get("password")
        if username or password:
            if not (username and password):
                missing = "password" if username else "username"
                raise serializers.ValidationError({missing: [_("请同时填写用户名和密码。")]})
            user = _check_password(request, username, password)
        elif request.user and request.user.is_authenticated:
            user = request.user
        else:
            raise NotAuthenticated(_("请先登录，或提交用户名和密码。"))
        with transaction.atomic():
            Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
        body = {"token": token.key, "username": user.get_username(), "created": token.created}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary=gettext_lazy("撤销自己的令牌"),
        description=gettext_lazy("撤销后使用该令牌的请求得到 401。没有令牌时同样返回 204。"),
        request=None,
        responses={204: OpenApiResponse(description=gettext_lazy("已撤销"))},
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
