"""Django admin for people: users with their role."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from quizzes.accounts.models import User


@admin.register(User)
class OctoberUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role", "must_change_password")}))
    list_display = ("username", "first_name", "last_name", "role", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "must_change_password")
