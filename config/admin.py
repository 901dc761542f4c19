"""Admin plumbing: every admin page is scoped by the same restrict(user, action) as the API.

Every scoped changelist also offers its selected rows as Excel or CSV (`config.admin_export`) and filters
on related records offer only the records the user may see (`ScopedRelatedFilter`). Every related field of a
form, inline rows included, offers and accepts only the records `input_choices` gives the user (accounts: those in
their scope, never bureau staff or superusers); choosing another is refused by the form as not a valid choice.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from access.scoping import ADD, CHANGE, DELETE, VIEW, grants, input_choices, user_scope

from .admin_export import ExportActionsMixin
from .forms import RoundTripModelForm, formfield_kwargs
from .rules import OUTSIDE_SCOPE


def may(request, model, action: str, obj=None) -> bool:
    """Whether the request's user may take the action on the model (on obj, if given) under their roles."""
    if obj is None:
        return grants(user=request.user, model=model, action=action)
    return model.objects.restrict(request.user, action).filter(pk=obj.pk).exists()


class ScopedPermissionsMixin:
    """has_*_permission from the user's roles instead of Django's per-model permissions."""

    def has_module_permission(self, request):
        """The model is on the admin index for staff whose roles let them see any of it."""
        return request.user.is_active and request.user.is_staff and may(request, self.model, VIEW)

    def has_view_permission(self, request, obj=None):
        return may(request, self.model, VIEW, obj)

    def has_add_permission(self, request, obj=None):
        return may(request, self.model, ADD)

    def has_change_permission(self, request, obj=None):
        return may(request, self.model, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return may(request, self.model, DELETE, obj)


class RoundTripFieldsMixin:
    """Form fields that post back what they show (`config.forms`): textareas' line ends normalised (dates and times
    render in ISO through the project's format modules)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **formfield_kwargs(db_field, kwargs))


class ScopedChoicesMixin:
    """Related fields of a form (foreign keys and many-to-many) offer and accept only what the user may name."""

    def scoped_choices(self, db_field, request):
        """The records a related form field offers the request's user, in the related admin's order."""
        queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        return input_choices(user=request.user, queryset=queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the related records the user may name (accounts: those in their scope)."""
        kwargs.setdefault("queryset", self.scoped_choices(db_field, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Offer only the related records the user may name."""
        kwargs.setdefault("queryset", self.scoped_choices(db_field, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A filter on a related record that offers only the records the user may see."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = related.objects.restrict(request.user, VIEW).values("pk")
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": visible}, ordering=ordering)


def _scoped_relation(model, path: str) -> bool:
    """Whether a list_filter path ends at a relation to a scoped model."""
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return False
    return bool(field.is_relation and field.related_model and hasattr(field.related_model.objects, "restrict"))


class ReadOnlyAdminMixin:
    """An admin page (or inline) that shows records and changes none of them: their services write them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(RoundTripFieldsMixin, ExportActionsMixin, ScopedChoicesMixin, ScopedPermissionsMixin,
                  SimpleHistoryAdmin):
    """A ModelAdmin showing only the records the user may see, with the history of each and exports of its rows."""

    form = RoundTripModelForm

    def get_list_filter(self, request):
        """Filters on scoped related records offer only the records the user may see."""
        return [
            (item, ScopedRelatedFilter) if isinstance(item, str) and _scoped_relation(self.model, item) else item
            for item in super().get_list_filter(request)
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    def get_readonly_fields(self, request, obj=None):
        """Fields only the bureau sets are read-only for everyone else."""
        fields = list(super().get_readonly_fields(request, obj))
        if not user_scope(request.user).bureau:
            fields += [name for name in getattr(self.model, "bureau_fields", ()) if name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        """Save (unless saved unchanged: then nothing is written, no history entry), then refuse (rolling back the
        admin's transaction) a record left outside the user's scope."""
        if not change or form.has_changed():
            super().save_model(request, obj, form, change)
        if not may(request, type(obj), CHANGE if change else ADD, obj):
            raise PermissionDenied(OUTSIDE_SCOPE)

    def save_formset(self, request, form, formset, change):
        """Save an inline's rows, refusing (rolling back the admin's transaction) a row deleted that the user may not
        delete, or a row saved that is left outside what the user may add or change."""
        for row in formset.deleted_forms:
            if row.instance.pk is not None and not may(request, type(row.instance), DELETE, row.instance):
                raise PermissionDenied(OUTSIDE_SCOPE)
        super().save_formset(request, form, formset, change)
        for row in formset.new_objects:
            if not may(request, type(row), ADD, row):
                raise PermissionDenied(OUTSIDE_SCOPE)
        for row, _fields in formset.changed_objects:
            if not may(request, type(row), CHANGE, row):
                raise PermissionDenied(OUTSIDE_SCOPE)

    def log_change(self, request, obj, message):
        """Log a change in the admin's log, unless nothing changed (the form and its inlines saved unchanged)."""
        if message:
            return super().log_change(request, obj, message)
        return None

    def history_view(self, request, object_id, extra_context=None):
        """The history of a record the user may see (bureau staff: also of deleted records)."""
        if not user_scope(request.user).bureau and not self.get_queryset(request).filter(pk=unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)


class ScopedInline(RoundTripFieldsMixin, ScopedChoicesMixin, ScopedPermissionsMixin, admin.TabularInline):
    """An inline whose rows follow the same scope rules."""

    form = RoundTripModelForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A tabular row's inputs have no <label> of their own (the column head names them): each is named for
        assistive technology by its field's name (aria-label)."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and getattr(db_field, "verbose_name", None):
            formfield.widget.attrs.setdefault("aria-label", str(db_field.verbose_name))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        """The rows' formset, whose delete boxes are named for assistive technology too."""
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", gettext("Delete"))
                for field in form.fields.values():  # a form's own fields (not the model's) too
                    if field.label:
                        field.widget.attrs.setdefault("aria-label", str(field.label))

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    # Django hands an inline's permission checks the PARENT record, never a row: the role decides whether rows may be
    # viewed, added, changed or deleted at all (`may` without a record); the rows shown are those restrict(user, VIEW)
    # leaves, and each row saved or deleted is checked against the scope by ScopedAdmin.save_formset.
    def has_view_permission(self, request, obj=None):
        return may(request, self.model, VIEW)

    def has_add_permission(self, request, obj=None):
        return may(request, self.model, ADD)

    def has_change_permission(self, request, obj=None):
        return may(request, self.model, CHANGE)

    def has_delete_permission(self, request, obj=None):
        return may(request, self.model, DELETE)


class ScopedReadOnlyInline(ReadOnlyAdminMixin, ScopedInline):
    """A read-only inline summary of a record's related rows (those the user may see), each linked to its own page:
    what a clerk needs to see on the record, changed only on each row's page."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        """Every field shown is read-only."""
        return list(self.get_fields(request, obj))
