"""Writes of the enterprise's own registers that are more than one row: a virtual character with its registrations,
written together or not at all (docs/registers-enterprise.md). The single-row registers are written by their
serializers' model validation and the scoped viewset's save."""

from django.db import transaction

from .models import DigitalHumanIp, DigitalHumanRegistration

REGISTRATION_FIELDS = ("kind", "number", "registered_on")


@transaction.atomic
def character_save(*, character: DigitalHumanIp, registrations: list[dict] | None,
                   changed: bool = True) -> DigitalHumanIp:
    """Save a virtual character (a new one, or one whose fields `changed`: saved unchanged, nothing is written and
    no history row made) and, when given, make its registrations exactly the list (each validated; those no longer
    listed are removed, those unchanged kept as they are); all or nothing."""
    if changed or character.pk is None:
        character.full_clean()
        character.save()
    if registrations is None:
        return character
    kept = {(r.kind, r.number): r for r in character.registrations.all()}
    wanted = set()
    for values in registrations:
        key = (values["kind"], values["number"])
        wanted.add(key)
        registration = kept.get(key) or DigitalHumanRegistration(character=character)
        changed = registration.pk is None or any(getattr(registration, name) != values[name]
                                                  for name in REGISTRATION_FIELDS)
        if changed:
            for name in REGISTRATION_FIELDS:
                setattr(registration, name, values[name])
            registration.full_clean()
            registration.save()
    for key, registration in kept.items():
        if key not in wanted:
            registration.delete()
    return character
