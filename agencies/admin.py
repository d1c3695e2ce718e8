"""Admin for superusers. Saves go through the services, so the audit trail sees them."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import services
from agencies.models import (
    AccountLock,
    Agency,
    ApiToken,
    Profile,
    TaskForce,
    TaskForceMembership,
)

# Second-factor devices change through the services (audited): a person's own account page,
# and the reset action below. django-otp's own admin would delete them without a trace.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


def _changes(form, fields) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "jurisdiction", "active"]
    list_filter = ["kind", "jurisdiction", "active"]
    search_fields = ["name", "short_name"]
    readonly_fields = ["group", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.agency_create(
                actor=request.user, **{k: data[k] for k in services.AGENCY_FIELDS if k in data}
            )
            obj.pk, obj.group = created.pk, created.group
            obj._state.adding = False
            if not data.get("active", True):
                services.agency_set_active(actor=request.user, agency=created, active=False)
            return
        agency = Agency.objects.get(pk=obj.pk)
        services.agency_update(
            actor=request.user, agency=agency, **_changes(form, services.AGENCY_FIELDS)
        )
        if "active" in form.changed_data:
            services.agency_set_active(actor=request.user, agency=agency, active=data["active"])


class MembershipInline(admin.TabularInline):
    model = TaskForceMembership
    extra = 0
    fields = ["agency", "role", "joined_on", "left_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskForce)
class TaskForceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "lead_agency", "time_zone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.task_force_create(
                actor=request.user,
                lead_agency=data["lead_agency"],
                **{k: data[k] for k in services.TASK_FORCE_FIELDS if k in data},
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        task_force = TaskForce.objects.get(pk=obj.pk)
        services.task_force_update(
            actor=request.user, task_force=task_force, **_changes(form, services.TASK_FORCE_FIELDS)
        )
        if "lead_agency" in form.changed_data:
            services.task_force_change_lead(
                actor=request.user, task_force=task_force, agency=data["lead_agency"]
            )

    def save_related(self, request, form, formsets, change):
        # Coordinators change through the services (validated and audited), not the form.
        # The membership inline is read-only; saving it records nothing but keeps the admin's
        # change message working.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        task_force = form.instance
        wanted = set(form.cleaned_data.get("coordinators", []))
        current = set(task_force.coordinators.all())
        for user in wanted - current:
            services.coordinator_add(actor=request.user, task_force=task_force, user=user)
        for user in current - wanted:
            services.coordinator_remove(actor=request.user, task_force=task_force, user=user)


@admin.register(TaskForceMembership)
class TaskForceMembershipAdmin(admin.ModelAdmin):
    list_display = ["task_force", "agency", "role", "joined_on", "left_on"]
    list_filter = ["task_force", "role"]
    list_select_related = ["task_force", "agency"]

    def get_readonly_fields(self, request, obj=None):
        # Once created, only the role and the end date change; history is never rewritten.
        return ["task_force", "agency", "joined_on"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.membership_add(
                actor=request.user,
                task_force=data["task_force"],
                agency=data["agency"],
                role=data["role"],
                joined_on=data["joined_on"],
            )
            obj.pk = created.pk
            obj._state.adding = False
            return
        membership = TaskForceMembership.objects.get(pk=obj.pk)
        if "role" in form.changed_data:
            services.membership_change_role(
                actor=request.user, membership=membership, role=data["role"]
            )
        if "left_on" in form.changed_data and data["left_on"]:
            services.membership_end(
                actor=request.user, membership=membership, left_on=data["left_on"]
            )


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    extra = 0
    max_num = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(DjangoUserAdmin):
    """Users with their agency profile; profile changes are audited."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "agency", "is_active", "is_superuser"]
    list_select_related = ["profile__agency"]
    list_filter = ["is_active", "is_superuser", "profile__agency", "profile__role"]
    actions = ["unlock", "reset_second_factor"]

    @admin.action(description="Unlock sign-in of the selected people")
    def unlock(self, request, queryset):
        unlocked = [u for u in queryset if services.account_unlock(actor=request.user, user=u)]
        self.message_user(request, f"{len(unlocked)} account(s) unlocked.", messages.SUCCESS)

    @admin.action(description="Reset the second factor of the selected people")
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.mfa_reset(actor=request.user, user=user)
        self.message_user(
            request,
            f"{queryset.count()} account(s) will set up an authenticator again.",
            messages.SUCCESS,
        )

    @admin.display(ordering="profile__agency__short_name")
    def agency(self, user):
        profile = getattr(user, "profile", None)
        return profile.agency.short_name if profile else "—"

    def save_model(self, request, obj, form, change):
        if change and "is_active" in form.changed_data:
            # Saved through the service so deactivation lands in the audit trail.
            services.person_set_active(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                active=form.cleaned_data["is_active"],
            )
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            data = inline_form.cleaned_data
            profile = Profile.objects.filter(user=form.instance).first()
            if profile is None:
                services.profile_create(
                    actor=request.user,
                    user=form.instance,
                    agency=data["agency"],
                    **{k: data[k] for k in services.PROFILE_FIELDS if k in data},
                )
                continue
            if "agency" in inline_form.changed_data:
                services.person_change_agency(
                    actor=request.user, profile=profile, agency=data["agency"]
                )
            services.person_update(
                actor=request.user,
                profile=profile,
                **_changes(inline_form, services.PROFILE_FIELDS),
            )
        # The services saved the profile; the admin still reads what changed from the
        # formset to write its change message, which an unsaved formset cannot tell it.
        formset.save(commit=False)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_token`; here they are seen and revoked."""

    list_display = ["name", "user", "scope", "prefix", "created_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "digest",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.token_revoke(actor=request.user, token=token)


@admin.register(AccountLock)
class AccountLockAdmin(admin.ModelAdmin):
    """Locked sign-ins; unlocking goes through the service (audited)."""

    list_display = ["username", "locked_at", "ip_address"]
    search_fields = ["username"]
    readonly_fields = ["username", "locked_at", "ip_address"]
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock the selected accounts")
    def unlock(self, request, queryset):
        users = User.objects.filter(username__in=queryset.values("username"))
        unlocked = [u for u in users if services.account_unlock(actor=request.user, user=u)]
        self.message_user(request, f"{len(unlocked)} account(s) unlocked.", messages.SUCCESS)
