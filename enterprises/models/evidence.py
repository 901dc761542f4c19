"""Evidence files: the documents behind a declaration (audits, IP proofs, the signed commitment...), a filing (its
audit report) or a tenancy (the scanned lease contract), kept on the default storage under a random name and read
only through a scope-checked download (docs/evidence.md)."""

import operator
import uuid
from functools import reduce

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule
from config.history import audit_history

from ..choices import EVIDENCE_KINDS, EvidenceKind
from .declaration import Declaration
from .enterprise import Tenancy
from .filing import AnnualFiling

OWNERS = ("declaration", "filing", "tenancy")  # the three owner fields; exactly one is set


def evidence_path(instance, filename: str) -> str:
    """Where a file is stored: a random name under the month it was uploaded, with the extension the upload check
    chose (enterprises.evidence), never anything of the client's file name."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    extension = extension if extension.isalnum() and len(extension) <= 5 else ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{'.' + extension if extension else ''}"


def _one_owner() -> Q:
    """Exactly one of the owner fields is set."""
    def only(name: str) -> Q:
        return Q(**{f"{other}__isnull": other != name for other in OWNERS})

    return reduce(operator.or_, map(only, OWNERS))


def _kind_fits_owner() -> Q:
    """The kind is one its owner takes (EVIDENCE_KINDS)."""
    return reduce(operator.or_, (Q(**{f"{owner}__isnull": False, "kind__in": [str(k) for k in kinds]})
                                 for owner, kinds in EVIDENCE_KINDS.items()))


class EvidenceFile(models.Model):
    """A document proving something of a declaration, a filing or a tenancy (one of the three): its kind, the
    stored file under a random name, the name it was uploaded with, its type, size and SHA-256, who uploaded it
    and when."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, null=True, blank=True, related_name="evidence",
                                    verbose_name=_("declaration"))
    filing = models.ForeignKey(AnnualFiling, models.CASCADE, null=True, blank=True, related_name="evidence",
                               verbose_name=_("annual filing"))
    tenancy = models.ForeignKey(Tenancy, models.CASCADE, null=True, blank=True, related_name="evidence",
                                verbose_name=_("tenancy"))
    kind = models.CharField(_("kind"), max_length=24, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255,
                                     help_text=_("The name it was uploaded with (never used to store it)."))
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # A file is seen by whoever sees its owner (each owner's paths, through its field; the others are empty).
    # Adding and removing are decided on the owner by enterprises.evidence (its CHANGE scope and status).
    scope_rule = Rule(park=("declaration__enterprise__park", "filing__park", "tenancy__park"),
                      enterprise=("declaration__enterprise", "filing__enterprise", "tenancy__enterprise"),
                      district=("declaration__district", "filing__enterprise__district", "tenancy__park__district"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(condition=_one_owner(), name="evidence_one_owner",
                                   violation_error_message=_("An evidence file belongs to exactly one declaration, "
                                                             "filing or tenancy.")),
            models.CheckConstraint(condition=_kind_fits_owner(), name="evidence_kind_fits_owner",
                                   violation_error_message=_("This kind of evidence does not belong to this "
                                                             "record.")),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex",
                                   violation_error_message=_("The checksum is a SHA-256 in hexadecimal.")),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def owner_name(self) -> str:
        """Which owner field is set: declaration, filing or tenancy."""
        return next(name for name in OWNERS if getattr(self, f"{name}_id") is not None)

    @property
    def owner(self):
        """The declaration, filing or tenancy the file belongs to."""
        return getattr(self, self.owner_name)


@receiver(post_delete, sender=EvidenceFile)
def _delete_stored_file(sender, instance, **kwargs):
    """The stored file goes once its row's deletion is committed (a removal, or its owner's deletion)."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
