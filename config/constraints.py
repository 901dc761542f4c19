"""One home for how a model's database constraints take part in validation (docs/design-rules.md, "Constraints").

`ConstrainedModel` is the abstract base of the models that say, in their class:

- `cleaned_checks`: the names of check constraints their `clean()` or field validators already check without a
  query. Validation leaves them to the database (which still refuses a write that breaks them); asking them again
  costs a query each on every write.
- `constraint_fields`: a constraint's name → the field its refusal is shown on (a form's field, an API's key, an
  import's column), for a constraint over several fields whose refusal Django would report on no field. The imports
  read the same mapping (enterprises.imports.base), so a refusal is named alike by validation and by the database.

The plain check constraints left to validate are asked of the database together, in one query (`_checks_failed`),
instead of one savepoint and query each; every other constraint (unique, exclusion, a subclass) is validated by
Django's own `validate`.
"""

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


class ConstrainedModel(models.Model):
    """A model whose constraints' validation skips `cleaned_checks` and names each refusal on its field."""

    cleaned_checks: tuple[str, ...] = ()
    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save; the row read is forgotten (what it held no longer vouches for the record's values)."""
        self._read_row = None
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        """Read the record again; the row first read is forgotten (its values may no longer be the row's)."""
        self._read_row = None
        super().refresh_from_db(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        """The record, remembering the row it was read with (`_read_row`: the values as read)."""
        instance = super().from_db(db, field_names, values)
        instance._read_row = (field_names, values)
        return instance

    def validate_unique(self, exclude=None):
        """Django's unique checks, without those of a unique field unchanged since the row was read
        (`unchanged_since_read`): the unique index kept any other row from holding its value."""
        unchanged = unchanged_since_read(self)
        held = [field.name for field in self._meta.concrete_fields if field.unique and not field.primary_key
                and field.name in unchanged
                and not any(field.name in together for together in self._meta.unique_together)]
        super().validate_unique(exclude={*(exclude or ()), *held} if held else exclude)

    def clean_fields(self, exclude=None):
        """Django's field cleaning, without the existence query of a foreign key whose record is known to exist
        (`known_references`)."""
        known = known_references(self)
        super().clean_fields(exclude={*(exclude or ()), *known} if known else exclude)

    def get_constraints(self):
        """The constraints validation runs: all but `cleaned_checks`."""
        return [(model, [c for c in constraints if c.name not in self.cleaned_checks])
                for model, constraints in super().get_constraints()]

    def validate_constraints(self, exclude=None):
        """Validate each constraint (as Django does), a refusal reported on the field `constraint_fields` names."""
        using = router.db_for_write(type(self), instance=self)
        errors: dict = {}
        for model, constraints in self.get_constraints():
            failed = _checks_failed(model, self, [c for c in constraints if type(c) is CheckConstraint],
                                    exclude=exclude, using=using)
            unchanged = unchanged_since_read(self)
            for constraint in constraints:
                if unchanged and _held_by_row(constraint, unchanged):
                    continue
                try:
                    if failed is None or type(constraint) is not CheckConstraint:
                        constraint.validate(model, self, exclude=exclude, using=using)
                    elif constraint.name in failed:
                        raise ValidationError(constraint.get_violation_error_message(),
                                              code=constraint.violation_error_code)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name)
                    if field is None and getattr(error, "code", None) == "unique" and \
                            len(getattr(constraint, "fields", ())) == 1:
                        field = constraint.fields[0]
                    if field is None:
                        errors = error.update_error_dict(errors)
                    else:
                        errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def _checks_failed(model, instance, checks, *, exclude, using) -> set[str] | None:
    """The names of the plain check constraints the instance breaks, asked in one query with the meaning of
    Django's `CheckConstraint.validate`: a condition that is NULL passes, one naming an excluded field is not
    asked. None when the query fails in the database (each is then validated on its own, as Django does)."""
    query = Query(None)
    for name, value in instance._get_field_expression_map(meta=model._meta, exclude=exclude).items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    asked = []
    for index, constraint in enumerate(checks):
        try:
            query.add_annotation(Coalesce(Q(constraint.condition), True, output_field=BooleanField()), f"c{index}")
        except FieldError:  # names an excluded field: not validated, as in Django
            continue
        asked.append(constraint.name)
    if not asked:
        return set()
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Checking the constraints of %s in one query failed: %s", model.__name__, error)
        return None
    return {name for name, passed in zip(asked, row, strict=True) if not passed}


def unchanged_since_read(instance) -> set[str]:
    """The names of the concrete fields of an instance read from the database (and not saved since) that still hold
    the values its row was read with; empty for an instance not read, or no longer that row (its key changed: a
    copy to insert). A list or dict value (an array, a JSON document) is never unchanged: the row read holds the
    very object the instance holds, so a change made in place would compare equal."""
    read = getattr(instance, "_read_row", None)
    if read is None or instance._state.adding:
        return set()
    values = dict(zip(read[0], read[1], strict=False))
    key = instance._meta.pk.attname
    if key not in values or getattr(instance, key) != values[key]:
        return set()
    return {field.name for field in instance._meta.concrete_fields
            if field.attname in values and not isinstance(values[field.attname], (list, dict, set))
            and getattr(instance, field.attname) == values[field.attname]}


def _held_by_row(constraint, unchanged: set[str]) -> bool:
    """Whether a unique constraint still holds for a row read that changed none of what it names: a plain
    `UniqueConstraint` over fields (no expressions), whose fields and condition's fields (a condition of plain
    values, no expressions) are all unchanged. Its index kept any other row from clashing with the row as read."""
    if type(constraint) is not models.UniqueConstraint or constraint.expressions or not constraint.fields:
        return False
    if not set(constraint.fields) <= unchanged:
        return False
    return constraint.condition is None or _plain_names(constraint.condition) <= unchanged


def _plain_names(condition: Q) -> set[str]:
    """The fields a condition of plain values names (a name no field has where a value is an expression)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _plain_names(child)
        elif hasattr(child, "resolve_expression") or hasattr(child[1], "resolve_expression"):
            names.add("")  # an expression: never unchanged
        else:
            names.add(child[0].split("__", 1)[0])
    return names


def known_references(instance) -> list[str]:
    """The foreign keys of an instance whose record the database already guarantees exists, so that validating them
    needs no query: a plain reference (no `limit_choices_to`, no validator of its own, enforced by a database
    constraint) holding a value, which either is the value the row was read with, the record not saved or read
    again since (the constraint kept the record referenced from being deleted), or is the primary key of the record
    cached on the instance that was itself read from or saved to the database. Every other reference is validated
    by Django (`ForeignKey.validate`: one query each)."""
    read = getattr(instance, "_read_row", None)
    read_values = dict(zip(read[0], read[1], strict=False)) if read is not None and not instance._state.adding \
        else {}
    known = []
    for field in instance._meta.concrete_fields:
        if not field.is_relation or not field.db_constraint or field.validators or field.get_limit_choices_to() \
                or field.remote_field.parent_link:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        if field.attname in read_values and read_values[field.attname] == value:
            known.append(field.name)
            continue
        related = field.get_cached_value(instance, None)
        if related is not None and not related._state.adding and related.pk == value \
                and field.remote_field.field_name == related._meta.pk.name:
            known.append(field.name)
    return known


def refusal_field(model, constraint_name: str) -> str | None:
    """The field a model names for a refusal of its constraint (`constraint_fields`), if it names one."""
    return getattr(model, "constraint_fields", {}).get(constraint_name)

