"""Second-factor devices are not edited in the Django admin: the system administrator (who uses the
admin) must not see TOTP secrets or enrol devices for others (三员分立); each user enrols their own."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
