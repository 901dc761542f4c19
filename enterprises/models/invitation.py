"""Invitations: who invited which address into which membership, and the single-use link that sets the password."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import VIEW, RestrictedQuerySet, Rule
from parks.models import Park

from .enterprise import Enterprise


def token_hash(token: str) -> str:
    """The stored form of an invitation's token: its SHA-256 (the token itself is only ever in the mail)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation of an account into a park or enterprise membership.

    A new account's invitation carries the hash of a single-use token mailed to the invited address; its user
    sets a password with it before `expires`, once (`used_at`). An existing account's invitation records the
    membership given, and carries no token: inviting changes no credential.
    """

    email = models.EmailField(_("invited e-mail address"))
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="invitations_sent",
        verbose_name=_("inviter"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="invitations", verbose_name=_("user"),
    )
    park = models.ForeignKey(
        Park, models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("park"),
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="invitations", verbose_name=_("enterprise"),
    )
    account_created = models.BooleanField(_("account created"), default=False)
    token_hash = models.CharField(_("token hash"), max_length=64, null=True, blank=True, unique=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    # Seen by the bureau, and by the administrators of the park it is for or of the enterprise's park.
    scope_rule = Rule(park=("park", "enterprise__park"), park_admin=frozenset({VIEW}), enterprise_user=frozenset(),
                      district_staff=frozenset())

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(park__isnull=True, enterprise__isnull=False) | Q(park__isnull=False,
                                                                           enterprise__isnull=True),
                name="invitation_park_or_enterprise",
                violation_error_message=_("Name either a park or an enterprise."),
            ),
            models.CheckConstraint(
                condition=Q(token_hash__isnull=True) | Q(expires__isnull=False),
                name="invitation_token_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.park or self.enterprise}"

    @property
    def membership_name(self) -> str:
        """What the invitation makes its user: the park's administrator or the enterprise's user."""
        if self.park_id:
            return _("administrator of %(park)s") % {"park": self.park}
        return _("user of %(enterprise)s") % {"enterprise": self.enterprise}

    def is_open(self, now=None) -> bool:
        """Whether its link still sets a password: it has one, unused and unexpired."""
        now = now or timezone.now()
        return bool(self.token_hash) and self.used_at is None and self.expires is not None and now < self.expires
