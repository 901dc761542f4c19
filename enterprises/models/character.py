"""Digital-human IP (plan tasks 5 and 6): the virtual characters an enterprise owns, service or performance type,
with their registrations (copyright of the character, trademarks, designs), each with its number and date."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import DigitalHumanRegistrationKind, DigitalHumanType
from .register import REGISTER_RULE, enterprise_field


class DigitalHumanIp(ConstrainedModel):
    """A virtual character of the enterprise: name, service or performance type, launch date."""

    constraint_fields = {"dh_ip_name_unique": "name"}

    enterprise = enterprise_field("digital_humans")
    name = models.CharField(_("name"), max_length=100)
    dh_type = models.CharField(_("type"), max_length=16, choices=DigitalHumanType.choices)
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "name", "pk"]
        verbose_name = _("digital-human IP")
        verbose_name_plural = _("digital-human IP")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="dh_ip_name_unique",
                                    violation_error_message=_("This enterprise already has a character of this "
                                                              "name.")),
        ]

    def __str__(self) -> str:
        return self.name


class DigitalHumanRegistration(models.Model):
    """One registration of a virtual character: what it protects, its number and date."""

    character = models.ForeignKey(DigitalHumanIp, models.CASCADE, related_name="registrations",
                                  verbose_name=_("digital-human IP"))
    kind = models.CharField(_("kind"), max_length=16, choices=DigitalHumanRegistrationKind.choices)
    number = models.CharField(_("registration number"), max_length=64)
    registered_on = models.DateField(_("registered on"))
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("character__enterprise__park",), enterprise=("character__enterprise",),
                      district=("character__enterprise__district",), enterprise_user=REGISTER_RULE.enterprise_user)

    class Meta:
        ordering = ["character", "registered_on", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="dh_registration_unique",
                                    violation_error_message=_("This registration number is already recorded.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        """Registered not in the future."""
        if self.registered_on and self.registered_on > timezone.localdate():
            raise ValidationError({"registered_on": _("The date cannot be in the future.")})
