"""Django admin for people: users with their role and who made them, and the record of password resets.

An admin resets anyone's password with Django's own password form (the user's page, "Reset password"); the reset
is recorded like a teacher's from a roster, and the account must choose its own password at its next login.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction

from quizzes.accounts.models import PasswordReset, User
from quizzes.accounts.services import password_reset_in_admin


class AccountPasswordForm(AdminPasswordChangeForm):
    """Django's form for an admin setting someone's password, marking the account it saved so that the admin's
    save hook (`OctoberUserAdmin.log_change`) records the reset."""

    def save(self, commit=True):
        user = super().save(commit)
        user.password_set_in_admin = True
        return user


class PasswordResetInline(admin.TabularInline):
    """The account's password resets: a record, never edited."""

    model = PasswordReset
    fk_name = "account"
    fields = ("reset_at", "reset_by_username", "way", "classroom")
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = "Password resets"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class OctoberUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Role", {"fields": ("role", "created_by", "must_change_password")}))
    list_display = ("username", "first_name", "last_name", "role", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_superuser", "is_active", "must_change_password")
    autocomplete_fields = ["created_by"]
    change_password_form = AccountPasswordForm
    inlines = [PasswordResetInline]

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():  # the new password and its record, or neither
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if getattr(obj, "password_set_in_admin", False):
            password_reset_in_admin(account=obj, admin=request.user)
        return entry


@admin.register(PasswordReset)
class PasswordResetAdmin(admin.ModelAdmin):
    """Who gave whose account a new password, and when: shown, never added, changed or deleted."""

    list_display = ("reset_at", "account_username", "reset_by_username", "way", "classroom")
    list_filter = ("way", "reset_at")
    list_select_related = ("classroom",)
    search_fields = ("account_username", "reset_by_username")
    date_hierarchy = "reset_at"
    fields = ("reset_at", "account", "account_username", "reset_by", "reset_by_username", "way", "classroom")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
