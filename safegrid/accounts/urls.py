from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/setup/", views.OtpSetupView.as_view(), name="otp_setup"),
    path("otp/verify/", views.OtpVerifyView.as_view(), name="otp_verify"),
    path("lockouts/", views.LockoutListView.as_view(), name="lockout_list"),
    path("lockouts/release/", views.LockoutReleaseView.as_view(), name="lockout_release"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/roles/new/", views.RoleAssignView.as_view(), name="role_assign"),
    path("roles/<int:pk>/revoke/", views.RoleRevokeView.as_view(), name="role_revoke"),
]
