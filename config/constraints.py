"""One home for how a model's database constraints take part in validation (docs/design-rules.md, "Constraints").

`ConstrainedModel` is the abstract base of the models that say, in their class:

- `cleaned_checks`: the names of check constraints their `clean()` or field validators already check without a
  query. Validation leaves them to the database (which still refuses a write that breaks them); asking them again
  costs a query each on every write.
- `constraint_fields`: a constraint's name → the field its refusal is shown on (a form's field, an API's key, an
  import's column), for a constraint over several fields whose refusal Django would report on no field. The imports
  read the same mapping (enterprises.imports.base), so a refusal is named alike by validation and by the database.
"""

from django.core.exceptions import ValidationError
from django.db import models, router


class ConstrainedModel(models.Model):
    """A model whose constraints' validation skips `cleaned_checks` and names each refusal on its field."""

    cleaned_checks: tuple[str, ...] = ()
    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def get_constraints(self):
        """The constraints validation runs: all but `cleaned_checks`."""
        return [(model, [c for c in constraints if c.name not in self.cleaned_checks])
                for model, constraints in super().get_constraints()]

    def validate_constraints(self, exclude=None):
        """Validate each constraint (as Django does), a refusal reported on the field `constraint_fields` names."""
        using = router.db_for_write(type(self), instance=self)
        errors: dict = {}
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
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


def refusal_field(model, constraint_name: str) -> str | None:
    """The field a model names for a refusal of its constraint (`constraint_fields`), if it names one."""
    return getattr(model, "constraint_fields", {}).get(constraint_name)

