from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import selectors, services
from .authentication import OTP_REQUIRED_DETAIL, TokenAuthentication
from .filters import UserFilterSet
from .models import RoleAssignment, User
from .policies import two_factor_required
from .roles import Cap, Role


class RoleAssignmentOutput(serializers.ModelSerializer):
    role_display = ChoiceDisplayField("role")
    region_name = serializers.CharField(source="region.name")
    sectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_display", "region", "region_name", "sectors", "site"]


class UserOutput(serializers.ModelSerializer):
    """The phone is masked (138****1234); it is write-only on input."""

    role_assignments = RoleAssignmentOutput(many=True, read_only=True)
    phone_masked = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "phone_masked",
            "email",
            "organisation",
            "is_active",
            "last_login",
            "role_assignments",
        ]


class MeOutput(UserOutput):
    capabilities = serializers.SerializerMethodField()

    class Meta(UserOutput.Meta):
        fields = [*UserOutput.Meta.fields, "capabilities"]

    def get_capabilities(self, obj) -> list[str]:
        return sorted(obj.capabilities)


def _manageable_regions(actor):
    return org_selectors.region_list(actor=actor, capability=Cap.MANAGE_USER)


class UserCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    display_name = serializers.CharField(max_length=30)
    password = serializers.CharField(max_length=128, write_only=True, style={"input_type": "password"})
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation,
        scoped=lambda actor: org_selectors.organisation_list(actor=actor, capability=None),
        required=False,
        allow_null=True,
        default=None,
    )
    role = serializers.ChoiceField(choices=Role.choices)
    region = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=_manageable_regions, required=False, allow_null=True, default=None
    )
    sectors = ScopedPrimaryKeyRelatedField(
        model=Sector,
        scoped=lambda actor: org_selectors.sector_list(actor=actor, capability=Cap.VIEW_SECTOR),
        many=True,
        required=False,
        default=list,
    )
    site = ScopedPrimaryKeyRelatedField(
        model=Site,
        scoped=lambda actor: site_selectors.site_list(actor=actor, capability=None),
        required=False,
        allow_null=True,
        default=None,
    )

    def validate(self, attrs):
        if attrs.get("region") is None:
            if attrs.get("site") is None:
                raise serializers.ValidationError({"region": _("请选择管辖区划。")})
            attrs["region"] = attrs["site"].grid
        return attrs


class UserUpdateInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=30, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation,
        scoped=lambda actor: org_selectors.organisation_list(actor=actor, capability=None),
        required=False,
        allow_null=True,
    )
    is_active = serializers.BooleanField(required=False)


@extend_schema_view(
    create=extend_schema(request=UserCreateInput, responses={201: UserOutput}),
    partial_update=extend_schema(request=UserUpdateInput, responses={200: UserOutput}),
)
class UserViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Accounts (用户) with their role assignments; managed by the security administrator."""

    capabilities = {
        "list": Cap.VIEW_USER,
        "retrieve": Cap.VIEW_USER,
        "create": Cap.MANAGE_USER,
        "partial_update": Cap.MANAGE_USER,
    }
    filterset_class = UserFilterSet
    output_serializer_class = UserOutput

    def list_selector(self, *, actor, capability):
        return selectors.user_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": UserCreateInput, "partial_update": UserUpdateInput}.get(self.action, UserOutput)

    def perform_service_create(self, *, actor, data):
        return services.user_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.user_update(actor=actor, user=instance, data=data)

    def output(self, instance, status_code=200):
        instance = selectors.user_get(actor=self.request.user, pk=instance.pk, capability=None)
        return super().output(instance, status_code)


class MeView(APIView):
    """The signed-in user, with roles and capabilities (what the app should show)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        user = selectors.user_get(actor=request.user, pk=request.user.pk, capability=None)
        return Response(MeOutput(user).data)


class LoginThrottle(AnonRateThrottle):
    """F5: token sign-ins per client address (SAFEGRID_LOGIN_RATE), in the default cache. The
    address is REMOTE_ADDR (REST_FRAMEWORK NUM_PROXIES = 0): a client-sent X-Forwarded-For does
    not give a new count."""

    scope = "login"

    def get_rate(self):
        return settings.SAFEGRID_LOGIN_RATE or None


class TokenLoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        default="",
        help_text="县级和管理员账号启用双因素认证时必填：身份验证器上的 6 位验证码。",
    )


class TokenLoginView(APIView):
    """Exchange username and password for a bearer token (`Authorization: Token …`), for phones and
    integrations. Tokens are stored hashed and expire after 12 hours. The lockout of the login form
    applies here too (429 {"code": "locked"}); a privileged account with two-factor sign-in on must
    send `otp` (403 {"code": "otp_required"} without it, {"code": "otp_invalid"} for a wrong or
    replayed code)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    def throttled(self, request, wait):
        raise Throttled(wait, detail=_("当前网络地址登录尝试过于频繁，请稍后再试。"))

    @extend_schema(
        request=TokenLoginInput,
        responses={
            200: inline_serializer(
                "TokenOutput", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request):
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        # django-axes reads and flags the Django request (its middleware turns a lock into 429).
        http_request = request._request
        user = authenticate(http_request, username=username, password=data.validated_data["password"])
        if user is None:
            refused_by_lock = getattr(http_request, "axes_locked_out", False) and (
                getattr(http_request, "axes_failures_since_start", None) is None
            )
            services.login_failed(
                username=username, reason="locked" if refused_by_lock else "invalid_credentials"
            )
            return Response(
                {"code": "invalid_credentials", "detail": _("用户名或密码错误。")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if two_factor_required(user):
            if not data.validated_data["otp"]:
                return Response(
                    {"code": "otp_required", "detail": str(OTP_REQUIRED_DETAIL)},
                    status=status.HTTP_403_FORBIDDEN,
                )
            try:
                services.otp_verify(actor=user, token=data.validated_data["otp"])
            except ValidationError:
                return Response(
                    {"code": "otp_invalid", "detail": _("验证码不正确或已使用，请等待下一个验证码后重试。")},
                    status=status.HTTP_403_FORBIDDEN,
                )
        # Like the login form: last_login, and axes clears this client's failure count.
        user_logged_in.send(sender=user.__class__, request=http_request, user=user)
        services.login_succeeded(user=user, channel="api")
        token, expiry = services.api_token_issue(user=user)
        return Response({"token": token, "expiry": expiry})


class TokenLogoutView(APIView):
    """Revoke the token used for this request."""

    authentication_classes = [TokenAuthentication]
    allow_expired_password = True
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.api_token_revoke(user=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
