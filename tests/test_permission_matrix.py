"""The permission matrix: every API endpoint x action x role, and the HTTP status each cell must answer.

The expected statuses are written out by hand from the roles in docs/api.md ("Roles and what each sees") and the
models' scope rules (access.scoping), never computed from them: 401 without credentials (except the public directory,
the token endpoint), 404 for a record outside the user's view scope, 403 where no role
of the user grants the action or where a write would leave the writer's scope (post-save check, rolled back),
400 for a bureau-only field sent by anyone else or for a related record outside the user's scope named in a body
(it does not exist for them), 409 for deleting a record other rows protect.

Each cell runs against a fresh world (`world`, built once per module; every cell's changes are rolled back):
two parks in two districts, each with its units, an enterprise registered with it and renting one of its
units, a lab, a platform, a benchmark project, a park administrator, an enterprise user and a district staff
member, plus a plan target. Declarations: an open round, and E1's declarations at each stage in rounds of their
own (in district review, in city review, returned, in publicity with an objection, publicity ended), and E2's in
district review. Targets of retrieve, update, delete, history and each step are always the P1 / E1 / D1 side;
create bodies are valid bodies for P1 / E1. A refused write must leave every table as it was.

District staff (docs/design.md, "The roles") see their district whole and change nothing: D1's staff read every
P1 / E1 record (200), D2's get 404 for them; every write is a 403 (no role of theirs grants it), but a related
record they do not see named in a body is a 400 like for anyone. Declarations (enterprises.declarations): the
enterprise's users draft, sign and submit their own; its district's staff recommend, return and reject while it is
in district review (REVIEW); the bureau takes every step but signing the enterprise's commitment, and alone
approves, designates, keeps the rounds and records and decides objections. Objections are confidential: the
bureau and the declaration's district staff read them, nobody else (404). The publicity list is public.

A cell whose real status disagrees with the rules stays as the rules say, listed in SUSPECTED (strict xfail).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config.notifications.models import Notification
from enterprises.choices import ChainPosition, DeclarationStatus, EvidenceKind, FilingStatus, Tier
from enterprises.evidence import evidence_add
from enterprises.models import Declaration, DeclarationRound, FilingSeason, Objection
from enterprises.selectors import reporting_year
from parks.models import DistrictMembership
from registry.choices import DigitalHumanKind, LabKind, PlatformDomain, ProjectField, TargetMetric
from registry.models import FileJob, ReportRun
from registry.services import report_run_execute

from . import worlds
from .conftest import token_client
from .endpoints import api_endpoints
from .factories import (
    REGISTER_BODIES,
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    DistrictFactory,
    LabFactory,
    ParkServiceFactory,
    PlanTargetFactory,
    PlatformFactory,
    SupportAwardFactory,
    SupportPolicyFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    credit_code,
    plan_task,
    register_records,
)

# --- the matrix ---------------------------------------------------------------------------------------------
# Column order of every row. park_admin keeps P1, park_admin_other P2; enterprise_user is a user of E1
# (registered with P1, tenant of a P1 unit), enterprise_user_other of E2 (P2); district_staff work for D1 (the
# district of P1 and E1), district_staff_other for D2; no_role is signed in with no role.
ROLES = ("anonymous", "bureau", "park_admin", "park_admin_other", "enterprise_user", "enterprise_user_other",
         "district_staff", "district_staff_other", "no_role")

# URL name in the `api` namespace -> action -> status per role, in ROLES order.
MATRIX: dict[str, dict[str, tuple[int, ...]]] = {
    #                                anon  bur   pa    pa2   eu    eu2   ds    ds2   none
    # Districts: reference data, every signed-in user reads them, the bureau alone writes them.
    "district-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "district-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 409, 403, 403, 403, 403, 403, 403, 403),  # parks and enterprises protect it
    },
    "district-history": {
        "history":                  (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Parks: the park's administrators keep its profile (not name, district, featured); its enterprises see it.
    "park-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "park-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 200, 404, 403, 403, 403, 403, 403),  # focus
        "update_bureau_field":      (401, 200, 400, 404, 403, 403, 403, 403, 403),  # featured
        "delete":                   (401, 409, 403, 403, 403, 403, 403, 403, 403),  # units, enterprises... protect it
    },
    "park-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Units: the park's administrators keep them; a tenant sees the units it rents.
    "unit-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 201, 400, 403, 403, 403, 403, 403),  # pa2: P1 does not exist for them
    },
    "unit-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 200, 404, 403, 403, 403, 403, 403),  # area
        "update_move":              (401, 400, 400, 404, 403, 403, 403, 403, 403),  # to P2: U1 has a tenancy
        "delete":                   (401, 409, 409, 404, 403, 403, 403, 403, 403),  # its tenancy protects it
    },
    "unit-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Park administrators: the bureau grants and removes them; a park's administrators see each other.
    "parkmembership-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "parkmembership-detail": {
        "retrieve":                 (401, 200, 200, 404, 404, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "parkmembership-history": {
        "history":                  (401, 200, 200, 404, 404, 404, 200, 404, 404),
    },
    # Enterprises: the bureau registers them; their users keep the profile (not the bureau's fields);
    # the park they are registered with, or rent in, sees them.
    "enterprise-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "enterprise-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),  # short_name
        "update_bureau_field":      (401, 200, 403, 403, 400, 404, 403, 403, 403),  # credit_code
        "delete":                   (401, 409, 403, 403, 403, 403, 403, 403, 403),  # tenancy, lab... protect it
    },
    "enterprise-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Tenancies: the park's administrators keep them; the tenant sees its own.
    "tenancy-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 201, 400, 403, 403, 403, 403, 403),  # pa2: P1's unit: not theirs
    },
    "tenancy-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 200, 404, 403, 403, 403, 403, 403),  # end (move-out)
        "update_move":              (401, 200, 400, 404, 403, 403, 403, 403, 403),  # a free P2 unit: not pa's
        "delete":                   (401, 204, 204, 404, 403, 403, 403, 403, 403),
    },
    "tenancy-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Enterprise users: the bureau, and park administrators for their park's enterprises, add and remove them.
    # The account named must be in the giver's scope (the newcomer holds no membership: the bureau's alone to
    # name; new accounts come by invitation), E1 in pa2's neither.
    "enterprisemembership-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 400, 400, 403, 403, 403, 403, 403),
    },
    "enterprisemembership-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 204, 404, 403, 403, 403, 403, 403),
    },
    "enterprisemembership-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Labs, platforms, benchmark projects: the bureau registers them; their park and enterprises see them.
    "lab-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "lab-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "lab-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "platform-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "platform-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "platform-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "benchmarkproject-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "benchmarkproject-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "benchmarkproject-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Plan targets: reference data, the bureau keeps them.
    "plantarget-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "plantarget-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "plantarget-history": {
        "history":                  (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Plan tasks and support policies: reference data, the bureau keeps them (a task or a policy others refer to is
    # protected: 409). Support awards: the bureau records them; the enterprise, the park it is registered with and
    # its district's staff read them.
    "plantask-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "plantask-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 409, 403, 403, 403, 403, 403, 403, 403),  # its policy protects it
    },
    "plantask-history": {
        "history":                  (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "supportpolicy-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "supportpolicy-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 409, 403, 403, 403, 403, 403, 403, 403),  # its awards protect it
    },
    "supportpolicy-history": {
        "history":                  (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "supportaward-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "supportaward-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "supportaward-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # The awards' import is the bureau's (it adds and changes awards); its template is for everyone signed in.
    "supportaward-import-file": {
        "create":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
    },
    "supportaward-import-template": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Filing seasons: reference data, the bureau sets them (they decide the reports' default year).
    "filingseason-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "filingseason-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "filingseason-history": {
        "history":                  (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Annual filings: the enterprise drafts, submits, corrects (revise) and deletes drafts; the park it submitted
    # in reviews (approve, return); a draft is the enterprise's own. Another enterprise does not exist for an
    # enterprise user (400 naming the field on create). Targets: a draft, a submitted and an approved filing of E1.
    "annualfiling-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "annualfiling-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),  # submitted in P1
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),  # the draft
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),  # the draft
    },
    "annualfiling-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "annualfiling-submit": {
        "submit":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),  # the draft
    },
    "annualfiling-approve": {
        "approve":                  (401, 200, 200, 404, 403, 403, 403, 403, 403),  # the submitted one
    },
    "annualfiling-return": {
        "return":                   (401, 200, 200, 404, 403, 403, 403, 403, 403),  # the submitted one
    },
    "annualfiling-revise": {
        "revise":                   (401, 201, 403, 403, 201, 404, 403, 403, 403),  # the approved one
    },
    # The registers' figures for a filing and where it differs from them: whoever sees the filing (the submitted).
    "annualfiling-registers": {
        "registers":                (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # The enterprise's own registers (branch registers): the enterprise files its own (another enterprise's user
    # does not see E1: 400 naming it on create); its park and district staff read them; the bureau keeps all.
    "standard-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "standard-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "standard-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "intellectualproperty-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "intellectualproperty-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "intellectualproperty-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "digitalhumanip-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "digitalhumanip-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "digitalhumanip-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "financinground-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "financinground-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "financinground-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "listing-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "listing-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "listing-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Park services (branch parksvc): the park's administrators keep them (another park does not exist for them: 400
    # naming P1 on create, 404 on P1's service); the park's enterprises and its district staff read them.
    "parkservice-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 201, 400, 403, 403, 403, 403, 403),
    },
    "parkservice-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 200, 404, 403, 403, 403, 403, 403),
        "update_move":              (401, 200, 400, 404, 403, 403, 403, 403, 403),  # to P2: not pa's to name
        "delete":                   (401, 204, 204, 404, 403, 403, 403, 403, 403),
    },
    "parkservice-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Compliance filings (branch compliance): scoped as the registers above.
    "compliancefiling-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "compliancefiling-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "compliancefiling-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Talent, events and cooperation (branch activities): as the registers above.
    "industryactivity-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),
    },
    "industryactivity-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 204, 404, 403, 403, 403),
    },
    "industryactivity-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Tier designations: the bureau records them; the enterprise and its park read them.
    "tierdesignation-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "tierdesignation-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
        "delete":                   (401, 204, 403, 403, 403, 403, 403, 403, 403),
    },
    "tierdesignation-history": {
        "history":                  (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # The tier self-assessment: whoever sees the enterprise.
    "enterprise-assessment": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # Declaration rounds: reference data, every signed-in user reads them; the bureau opens, changes, closes them.
    "declarationround-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),
    },
    "declarationround-detail": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "update":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
    },
    "declarationround-close": {
        "close":                    (401, 200, 403, 403, 403, 403, 403, 403, 403),  # the open round
    },
    # Declarations: seen by whoever sees the enterprise (its users, its park, its district's staff); the
    # enterprise's users draft, sign and submit; the district's staff review in district review; the bureau the
    # rest (every step but the enterprise's signature). The body of create names E1: E2's user does not see it.
    "declaration-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 201, 400, 403, 403, 403),  # E1 in the open round
    },
    "declaration-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),  # in district review
        "update":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),  # the returned one
    },
    # The printable declaration (申报书): in the detail's scope (branch pdf).
    "declaration-pdf": {
        "pdf":                      (401, 200, 200, 404, 200, 404, 200, 404, 404),  # in district review
    },
    "declaration-sign": {
        "sign":                     (401, 403, 403, 403, 200, 404, 403, 403, 403),  # the returned one
    },
    "declaration-submit": {
        "submit":                   (401, 200, 403, 403, 200, 404, 403, 403, 403),  # the returned one
    },
    "declaration-recommend": {
        "recommend":                (401, 200, 403, 403, 403, 403, 200, 404, 403),  # in district review
    },
    "declaration-return": {
        "return":                   (401, 200, 403, 403, 403, 403, 200, 404, 403),  # in district review
        "return_in_city_review":    (401, 200, 403, 403, 403, 403, 403, 404, 403),  # the bureau's review
    },
    "declaration-reject": {
        "reject":                   (401, 200, 403, 403, 403, 403, 200, 404, 403),  # in district review
        "reject_in_city_review":    (401, 200, 403, 403, 403, 403, 403, 404, 403),  # the bureau's review
    },
    "declaration-approve": {
        "approve":                  (401, 200, 403, 403, 403, 403, 403, 403, 403),  # in city review
    },
    "declaration-designate": {
        "designate":                (401, 200, 403, 403, 403, 403, 403, 403, 403),  # publicity ended
    },
    # Objections: confidential (the bureau and the declaration's district staff); the bureau records and decides.
    "objection-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 403, 403, 403, 403, 403, 403, 403),  # on E1's in publicity
    },
    "objection-detail": {
        "retrieve":                 (401, 200, 404, 404, 404, 404, 200, 404, 404),
    },
    "objection-decide": {
        "decide":                   (401, 200, 403, 403, 403, 403, 403, 403, 403),
    },
    # The publicity list (拟认定名单): public, and only the declarations in publicity today.
    "publicity-list": {
        "list":                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "publicity-detail": {
        "retrieve":                 (200, 200, 200, 200, 200, 200, 200, 200, 200),
        "retrieve_not_in_publicity": (404, 404, 404, 404, 404, 404, 404, 404, 404),  # in district review
    },
    # Report runs: the bureau's (others see an empty list); reports are scoped row by row (a park
    # administrator reads their park's rows, the candidates among the enterprises they see).
    "reportrun-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 202, 403, 403, 403, 403, 403, 403, 403),
    },
    "reportrun-detail": {
        "retrieve":                 (401, 200, 404, 404, 404, 404, 404, 404, 404),
    },
    "report-tier-summary": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "report-tier-candidates": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # The declaration pipeline: every signed-in user, counted over the declarations they may see.
    "report-declarations": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Plan progress, district overview and park report: every signed-in user, figures over what they see.
    "report-plan-progress": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "report-plan-progress-records": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "report-districts": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "report-parks": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # A park's lists in the park report: of a park one may see (P1), as the park report's rows; another is 404.
    "report-park-tenancies-ending": {
        "list":                     (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "report-park-tenants-not-filed": {
        "list":                     (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    # The plan board and the support-fund report: every signed-in user, figures over what they see.
    "report-plan-board": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "report-support-funds": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Who lacks a compliance filing (branch compliance): every signed-in user, over the enterprises they see whole.
    "report-compliance-gaps": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Imports: any signed-in user posts a file; each row is checked as the API would check it (a refused row is
    # a 400 naming it, nothing written). The body: a tenancy of E1 in P1's free unit (P1's administrators and the
    # bureau may add it; P2's would put it outside their scope; enterprise users may not add tenancies).
    # Jobs are their starter's (the target: P1's administrator's); templates are for everyone signed in.
    "import-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 200, 200, 400, 400, 400, 400, 400, 400),
    },
    "import-detail": {
        "retrieve":                 (401, 200, 200, 404, 404, 404, 404, 404, 404),
    },
    "import-template": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Exports: of the records one may see, by anyone signed in; a job and its file are their starter's.
    "export-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 202, 202, 202, 202, 202, 202, 202, 202),
    },
    "export-detail": {
        "retrieve":                 (401, 200, 200, 404, 404, 404, 404, 404, 404),
    },
    "export-file": {
        "retrieve":                 (401, 200, 200, 404, 404, 404, 404, 404, 404),
    },
    "export-csv": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # The public directory: read-only, open to anyone.
    "public-park-list": {
        "list":                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-park-detail": {
        "retrieve":                 (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-enterprise-list": {
        "list":                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-enterprise-detail": {
        "retrieve":                 (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-platform-list": {
        "list":                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-platform-detail": {
        "retrieve":                 (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-benchmarkproject-list": {
        "list":                     (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "public-benchmarkproject-detail": {
        "retrieve":                 (200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Occupancy: of a park one may see; of a district (reference data) over the units one may see.
    "park-occupancy": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
    "district-occupancy": {
        "retrieve":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Invitations: a membership the inviter's roles allow (park administrators: only the bureau; enterprise
    # users: the bureau and the park's administrators); a park or enterprise outside the inviter's scope does not
    # exist for them (400). The link goes by mail;
    # it is accepted on a web page.
    "invitation": {
        "invite_park":              (401, 201, 403, 400, 403, 400, 403, 400, 400),  # to administer P1
        "invite_enterprise":        (401, 201, 201, 400, 403, 400, 403, 400, 400),  # to be a user of E1
    },
    # Notifications: each signed-in user reads and marks their own only (another's, the bureau's included: 404).
    "notification-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "notification-detail": {  # enterprise_user's notification
        "retrieve":                 (401, 404, 404, 404, 200, 404, 404, 404, 404),
    },
    "notification-read": {
        "read":                     (401, 404, 404, 404, 200, 404, 404, 404, 404),
    },
    "notification-read-all": {
        "read_all":                 (401, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # Signing out of the API ends one's own token: every signed-in user.
    "logout": {
        "logout":                   (401, 204, 204, 204, 204, 204, 204, 204, 204),
    },
    # The token endpoint: anyone who knows the account's password (anonymous: the no-role account's).
    "token": {
        "obtain":                   (200, 200, 200, 200, 200, 200, 200, 200, 200),
        "obtain_bad_password":      (400, 400, 400, 400, 400, 400, 400, 400, 400),
    },
    # Evidence files (docs/evidence.md), here a contract scan of E1's tenancy in P1: seen by whoever sees the
    # tenancy (D1's staff by the park's district), uploaded and removed by whoever may change it (P1's
    # administrators, the bureau; the tenant reads it: 403); another park's tenancy named in an upload does not exist
    # for the uploader (400); D1's staff see it and change nothing (403), to D2's it does not exist (400, 404).
    "evidencefile-list": {
        "list":                     (401, 200, 200, 200, 200, 200, 200, 200, 200),
        "create":                   (401, 201, 201, 400, 403, 400, 403, 400, 400),
    },
    "evidencefile-detail": {
        "retrieve":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
        "delete":                   (401, 204, 204, 404, 403, 404, 403, 404, 404),
    },
    "evidencefile-download": {
        "download":                 (401, 200, 200, 404, 200, 404, 200, 404, 404),
    },
}

# Cells whose real status disagrees with the rules: (URL name, action, role) -> what is wrong.
SUSPECTED: dict[tuple[str, str, str], str] = {}

# HTTP method of each action.
METHODS = {
    "list": "get", "retrieve": "get", "history": "get",
    "create": "post", "invite_park": "post", "invite_enterprise": "post", "logout": "post", "obtain": "post",
    "obtain_bad_password": "post",
    "submit": "post", "approve": "post", "return": "post", "revise": "post",
    "close": "post", "sign": "post", "recommend": "post", "reject": "post", "designate": "post", "decide": "post",
    "return_in_city_review": "post", "reject_in_city_review": "post", "retrieve_not_in_publicity": "get",
    "read": "post", "read_all": "post",
    "update": "patch", "update_bureau_field": "patch", "update_move": "patch",
    "delete": "delete",
    "download": "get", "pdf": "get", "registers": "get",
}
# Methods the table does not cover: PUT is the full-body twin of PATCH, HEAD and OPTIONS take no action.
UNCOVERED_METHODS = {"put", "head", "options"}


# --- the world ----------------------------------------------------------------------------------------------
@dataclass
class World:
    """The records and accounts every cell runs against."""

    districts: tuple
    parks: tuple
    units: tuple
    free_units: tuple
    enterprises: tuple
    tenancies: tuple
    labs: tuple
    platforms: tuple
    projects: tuple
    park_memberships: tuple
    enterprise_memberships: tuple
    plan_target: object
    filing_season: object
    filings: dict = field(default_factory=dict)
    designations: tuple = ()
    run: object = None
    notification: object = None  # the enterprise user's
    users: dict = field(default_factory=dict)
    newcomer: object = None
    pending: object = None
    evidence: object = None
    import_job: object = None
    export_job: object = None
    rounds: dict = field(default_factory=dict)
    declarations: dict = field(default_factory=dict)
    objection: object = None
    plan_task: object = None  # task 2, which the support policy serves
    support_policies: tuple = ()  # the policy with E1's and E2's awards, and one without awards
    support_awards: tuple = ()  # E1's, E2's
    registers: dict = field(default_factory=dict)  # one record of each of E1's registers
    park_services: tuple = ()  # a service of P1, one of P2 (branch parksvc)


ANSWERS = {"main_product": "数字人驱动引擎", "market_position": "细分市场前三", "innovation": "自研驱动算法"}


def build_declarations(*, e1, e2, signer, filing) -> tuple[dict, dict, Objection]:
    """An open round, and rounds past their window holding E1's declarations at each stage (one a round: an
    enterprise declares once a round) and E2's in district review; an objection on E1's in publicity."""
    today, day = timezone.localdate(), datetime.timedelta(days=1)

    def made_round(key, opens, closes, publicity=None):
        starts, ends = publicity or (None, None)
        return key, DeclarationRound.objects.create(
            name=f"矩阵{key}", tier=Tier.INNOVATIVE, rule_set="2026", cadence="monthly", opens=today + opens * day,
            closes=today + closes * day, review_starts=today + (closes + 1) * day,
            publicity_starts=starts and today + starts * day, publicity_ends=ends and today + ends * day)

    rounds = dict([made_round("open", -5, 20), made_round("review", -60, -40), made_round("city", -60, -40),
                   made_round("returned", -60, -40), made_round("publicity", -60, -40, (-2, 3)),
                   made_round("ended", -60, -40, (-10, -1))])
    now, s = timezone.now(), DeclarationStatus

    def declared(key, status, enterprise=e1, **kwargs):
        return Declaration.objects.create(
            round=rounds[key], enterprise=enterprise, district_id=enterprise.district_id, status=status,
            filing=filing if enterprise == e1 else None, answers=ANSWERS, submitted_at=now, **kwargs)

    declarations = {
        "district_review": declared("review", s.DISTRICT_REVIEW),
        "other_district_review": declared("review", s.DISTRICT_REVIEW, enterprise=e2),
        "city_review": declared("city", s.CITY_REVIEW),
        "returned": declared("returned", s.RETURNED, commitment_signed_by=signer, commitment_signed_at=now),
        "publicity": declared("publicity", s.PUBLICITY, city_score=85),
        "ended": declared("ended", s.PUBLICITY, city_score=80),
    }
    objection = Objection.objects.create(declaration=declarations["publicity"], received_on=today,
                                         objector="李四", text="申报数据与年报不符")
    return rounds, declarations, objection


def build_world() -> World:
    """Two parks in two districts, each with its records; one account per role, a newcomer and a pending one."""
    d1 = DistrictFactory(code="110105", name="朝阳区")
    d2 = DistrictFactory(code="110112", name="通州区")
    places = [(d1, "朝阳数字人基地", "甲", ChainPosition.APPLICATION),
              (d2, "通州数字人园区", "乙", ChainPosition.PLATFORM)]
    made = worlds.build_world(
        admins=1, enterprises=1, users=1, park_kwargs=lambda p: {"district": places[p][0], "name": places[p][1]},
        enterprise_kwargs=lambda p, n: {"district": places[p][0], "short_name": places[p][2],
                                        "chain_position": places[p][3]})
    (p1, p2), ((pm1,), (pm2,)), (em1, em2) = made.parks, made.park_memberships, made.members
    e1, e2 = made.enterprise(0), made.enterprise(1)
    u1, u2 = UnitFactory(park=p1, room="101"), UnitFactory(park=p2, room="201")
    pending = UserFactory()
    pending.set_unusable_password()
    pending.save()
    filings = {
        "draft": AnnualFilingFactory(enterprise=e1, year=2022),
        "submitted": AnnualFilingFactory(enterprise=e1, year=2023, status=FilingStatus.SUBMITTED, park=p1, district=d1,
                                         submitted_at=timezone.now()),
        "approved": approved_filing(enterprise=e1, year=2021),
    }
    designations = (TierDesignationFactory(enterprise=e1), TierDesignationFactory(enterprise=e2))
    run = ReportRun.objects.create(year=2021)
    report_run_execute(run_id=run.pk)
    # The reports answer the reporting year by default: its summary is there too.
    report_run_execute(run_id=ReportRun.objects.create(year=reporting_year()).pk)
    rounds, declarations, objection = build_declarations(e1=e1, e2=e2, signer=em1.user, filing=filings["approved"])
    staff = {"district_staff": UserFactory(), "district_staff_other": UserFactory()}
    for district, user in zip((d1, d2), staff.values(), strict=True):
        DistrictMembership.objects.create(user=user, district=district)
    now = timezone.now()
    import_job = FileJob.objects.create(kind="import", subject="tenancies", file_format="csv", data=b"x",
                                        file_name="tenancies.csv", started_by=pm1.user)
    export_job = FileJob.objects.create(kind="export", subject="enterprises", file_format="csv", status="succeeded",
                                        data=b"\xef\xbb\xbfa\r\n", file_name="enterprises.csv", started=now,
                                        finished=now, started_by=pm1.user)
    tenancies = (TenancyFactory(unit=u1, enterprise=e1), TenancyFactory(unit=u2, enterprise=e2))
    evidence = evidence_add(user=pm1.user, owner_name="tenancy", owner=tenancies[0], kind=EvidenceKind.CONTRACT_SCAN,
                            upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract"))
    notification = Notification.objects.create(recipient=em1.user, kind="filing", subject="年报被退回",
                                               body="请修改后重新提交", link="/me/")
    task = plan_task(2)
    policies = (SupportPolicyFactory(task=task), SupportPolicyFactory(task=task))
    awards = tuple(SupportAwardFactory(policy=policies[0], enterprise=e) for e in (e1, e2))
    return World(
        plan_task=task, support_policies=policies, support_awards=awards,
        registers=register_records(e1),
        park_services=(ParkServiceFactory(park=p1), ParkServiceFactory(park=p2)),
        evidence=evidence, notification=notification, rounds=rounds, declarations=declarations,
        objection=objection, import_job=import_job, export_job=export_job,
        filings=filings, designations=designations, run=run,
        districts=(d1, d2), parks=(p1, p2), units=(u1, u2),
        free_units=(UnitFactory(park=p1, room="102"), UnitFactory(park=p2, room="202")), enterprises=(e1, e2),
        tenancies=tenancies,
        labs=(LabFactory(host=e1, park=p1), LabFactory(host=e2, park=p2)),
        platforms=(PlatformFactory(operator=e1, park=p1), PlatformFactory(operator=e2, park=p2)),
        projects=(BenchmarkProjectFactory(lead=e1, park=p1), BenchmarkProjectFactory(lead=e2, park=p2)),
        park_memberships=(pm1, pm2), enterprise_memberships=(em1, em2), plan_target=PlanTargetFactory(),
        filing_season=FilingSeason.objects.create(year=2019, opens=datetime.date(2020, 1, 1),
                                                  closes=datetime.date(2020, 5, 31)),
        users={
            "bureau": bureau_user(), "park_admin": pm1.user, "park_admin_other": pm2.user,
            "enterprise_user": em1.user, "enterprise_user_other": em2.user, **staff, "no_role": UserFactory(),
        },
        newcomer=UserFactory(), pending=pending,
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The world, built once for the module in a transaction of its own that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db) -> World:
    """A fresh world for one cell: the test's own savepoint inside the module's transaction undoes the cell."""
    cache.clear()  # the throttles count in the cache: every cell starts afresh
    return shared_world


# --- requests -----------------------------------------------------------------------------------------------
def target(w: World, basename: str):
    """The P1 / E1-side record a detail, history or occupancy request addresses."""
    return {
        "district": w.districts[0], "park": w.parks[0], "unit": w.units[0], "parkmembership": w.park_memberships[0],
        "enterprise": w.enterprises[0], "tenancy": w.tenancies[0], "enterprisemembership": w.enterprise_memberships[0],
        "lab": w.labs[0], "platform": w.platforms[0], "benchmarkproject": w.projects[0], "plantarget": w.plan_target,
        "filingseason": w.filing_season,
        "public-park": w.parks[0], "public-enterprise": w.enterprises[0], "public-platform": w.platforms[0],
        "public-benchmarkproject": w.projects[0], "annualfiling": w.filings["draft"],
        "tierdesignation": w.designations[0], "reportrun": w.run, "import": w.import_job, "export": w.export_job,
        "evidencefile": w.evidence, "plantask": w.plan_task, "supportpolicy": w.support_policies[0],
        "supportaward": w.support_awards[0],
        **w.registers,
        "parkservice": w.park_services[0],
    }[basename]


# The filing each filing action addresses (the rest: the draft).
FILING_OF_ACTION = {"retrieve": "submitted", "history": "submitted", "approve": "submitted", "return": "submitted",
                    "revise": "approved", "registers": "submitted"}


def create_body(w: World, basename: str) -> dict:
    """A valid body creating a P1 / E1-side record."""
    p1, e1, today = w.parks[0], w.enterprises[0], timezone.localdate()
    return {
        "district": lambda: {"code": "110106", "name": "丰台区"},
        "park": lambda: {"name": "朝阳新园区", "district": w.districts[0].pk},
        "unit": lambda: {"park": p1.pk, "building": "B", "floor": "2", "room": "201", "area": "50.00"},
        "parkmembership": lambda: {"user": w.newcomer.pk, "park": p1.pk},
        "enterprise": lambda: {
            "credit_code": credit_code(98765001), "name": "新数字人科技有限公司", "district": w.districts[0].pk,
            "park": p1.pk, "chain_position": ChainPosition.APPLICATION,
        },
        "tenancy": lambda: {"unit": w.free_units[0].pk, "enterprise": e1.pk, "start": "2025-01-01"},
        "enterprisemembership": lambda: {"user": w.newcomer.pk, "enterprise": e1.pk},
        "lab": lambda: {"name": "新联合实验室", "kind": LabKind.JOINT_LAB, "host": e1.pk, "park": p1.pk},
        "platform": lambda: {
            "name": "新渲染平台", "domain": PlatformDomain.CLOUD_RENDERING, "operator": e1.pk, "park": p1.pk,
        },
        "benchmarkproject": lambda: {
            "name": "新标杆项目", "field": ProjectField.FINANCE, "dh_kind": DigitalHumanKind.SERVICE, "lead": e1.pk,
            "park": p1.pk, "year": 2025,
        },
        "plantarget": lambda: {
            "plan": "测试计划", "code": "new-target", "title": "新目标", "metric": TargetMetric.LABS, "goal": "5",
            "year": 2025,
        },
        "filingseason": lambda: {"year": 2018, "opens": "2019-01-01", "closes": "2019-06-30"},
        "annualfiling": lambda: {
            "enterprise": e1.pk, "year": 2020, "revenue": "900.00", "digital_human_revenue": "300.00",
            "main_revenue": "800.00", "rd_expense": "50.00", "net_profit": "20.00", "staff": 30, "rd_staff": 10,
            "debt_ratio": "35.00",
        },
        "tierdesignation": lambda: {
            "enterprise": e1.pk, "tier": "specialised", "year": 2025, "granted_on": "2025-06-30",
        },
        "reportrun": lambda: {"year": 2024},
        "import": lambda: {"kind": "tenancies", "file": SimpleUploadedFile("tenancies.csv", (
            "统一社会信用代码,园区,楼栋,楼层,房间号,起租日期\n"
            f"{e1.credit_code},{p1.name},A,1,{w.free_units[0].room},2025-01-01\n").encode())},
        "export": lambda: {"subject": "enterprises", "file_format": "xlsx"},
        "declarationround": lambda: {
            "name": "矩阵新一轮", "tier": Tier.SPECIALISED, "rule_set": "2026", "cadence": "quarterly",
            "opens": str(today), "closes": str(today + datetime.timedelta(days=30)),
            "review_starts": str(today + datetime.timedelta(days=31)),
        },
        "declaration": lambda: {"round": w.rounds["open"].pk, "enterprise": e1.pk, "filing": w.filings["approved"].pk,
                                "answers": ANSWERS},
        "objection": lambda: {"declaration": w.declarations["publicity"].pk, "received_on": str(today),
                              "objector": "王五", "text": "该企业主营业务不属于数字人"},
        "evidencefile": lambda: {"tenancy": w.tenancies[0].pk, "kind": EvidenceKind.CONTRACT_SCAN,
                                 "file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract")},
        "plantask": lambda: {"plan": "测试计划", "number": 1, "title": "新任务"},
        "supportpolicy": lambda: {"name": "矩阵新政策", "issuer": "北京市经济和信息化局", "task": w.plan_task.pk,
                                  "year": 2025, "budget": "100.00"},
        "supportaward": lambda: {"policy": w.support_policies[1].pk, "enterprise": e1.pk, "status": "approved",
                                 "amount_approved": "20.00", "approved_on": "2025-03-01"},
        **{name: (lambda body=body: {**body, "enterprise": e1.pk}) for name, body in REGISTER_BODIES.items()},
        "parkservice": lambda: {"park": p1.pk, "kind": "training", "title": "矩阵培训", "offered_from": "2025-01-01"},
    }[basename]()


def update_body(w: World, basename: str, action: str) -> dict:
    """A valid PATCH body of the target (for update_bureau_field: a field only the bureau sets)."""
    return {
        ("district", "update"): lambda: {"plan_role": "金融与创作者经济"},
        ("park", "update"): lambda: {"focus": "数字人内容创作"},
        ("park", "update_bureau_field"): lambda: {"featured": True},
        ("unit", "update"): lambda: {"area": "120.00"},
        ("unit", "update_move"): lambda: {"park": w.parks[1].pk},
        ("parkmembership", "update"): lambda: {"user": w.newcomer.pk},
        ("enterprise", "update"): lambda: {"short_name": "甲新"},
        ("enterprise", "update_bureau_field"): lambda: {"credit_code": credit_code(98765002)},
        ("tenancy", "update"): lambda: {"end": "2026-01-01"},
        ("tenancy", "update_move"): lambda: {"unit": w.free_units[1].pk},
        ("enterprisemembership", "update"): lambda: {"user": w.newcomer.pk},
        ("lab", "update"): lambda: {"focus": "数字人驱动"},
        ("platform", "update"): lambda: {"services": "云端渲染服务"},
        ("benchmarkproject", "update"): lambda: {"summary": "金融服务数字人"},
        ("plantarget", "update"): lambda: {"goal": "12"},
        ("filingseason", "update"): lambda: {"closes": "2020-06-30"},
        ("annualfiling", "update"): lambda: {"revenue": "11000.00"},
        ("tierdesignation", "update"): lambda: {"batch": "2024年第二批"},
        ("declarationround", "update"): lambda: {"cadence": "quarterly"},
        ("declaration", "update"): lambda: {"answers": {"innovation": "自研驱动算法与渲染引擎"}},
        ("plantask", "update"): lambda: {"description": "支持生产工具研发"},
        ("supportpolicy", "update"): lambda: {"budget": "600.00"},
        ("supportaward", "update"): lambda: {"note": "已补充材料"},
        ("standard", "update"): lambda: {"co_drafters": "某标准化研究院"},
        ("intellectualproperty", "update"): lambda: {"title": "数字人唇形驱动方法"},
        ("digitalhumanip", "update"): lambda: {"description": "金融服务数字人"},
        ("financinground", "update"): lambda: {"lead_investor": "某创投"},
        ("listing", "update"): lambda: {"stock_code": "873001"},
        ("parkservice", "update"): lambda: {"description": "每月一期"},
        ("parkservice", "update_move"): lambda: {"park": w.parks[1].pk},
        ("compliancefiling", "update"): lambda: {"service_name": "数字人播报服务（升级版）"},
        ("industryactivity", "update"): lambda: {"people": 3},
    }[basename, action]()


# The declaration each declaration action addresses (publicity-detail's retrieve: the one in publicity).
DECLARATION_OF_ACTION = {
    "retrieve": "district_review", "update": "returned", "sign": "returned", "submit": "returned",
    "recommend": "district_review", "return": "district_review", "reject": "district_review",
    "return_in_city_review": "city_review", "reject_in_city_review": "city_review", "approve": "city_review",
    "designate": "ended", "retrieve_not_in_publicity": "district_review", "pdf": "district_review",
}
# The body of each declaration step that takes one.
STEP_BODIES = {
    "return": {"reason": "材料不全"},
    "reject": {"reason": "不符合条件"},
    "return_in_city_review": {"reason": "材料不全"},
    "reject_in_city_review": {"reason": "不符合条件"},
    "approve": {"score": "85.5", "opinion": "同意"},
    "designate": {"certificate_number": "京2026-0001"},
    "decide": {"upheld": False, "reason": "异议不成立"},
}


def declaration_request(w: World, name: str, action: str) -> tuple[str, str, dict | None]:
    """The request of a declaration round, declaration, objection or publicity cell on a record."""
    method = METHODS[action]
    basename = name.rpartition("-")[0]
    if basename == "declarationround":
        record = w.rounds["open"]
    elif basename == "objection":
        record = w.objection
    elif name == "publicity-detail" and action == "retrieve":
        record = w.declarations["publicity"]
    else:
        record = w.declarations[DECLARATION_OF_ACTION[action]]
    body = update_body(w, basename, action) if method == "patch" else STEP_BODIES.get(action)
    return method, reverse(f"api:{name}", args=[record.pk]), body


def build_request(w: World, name: str, action: str, role: str) -> tuple[str, str, dict | None]:
    """The cell's request: method, path and body."""
    method = METHODS[action]
    basename, _, kind = name.rpartition("-")
    if name.startswith("notification-") and name != "notification-list":
        args = [] if name == "notification-read-all" else [w.notification.pk]
        return method, reverse(f"api:{name}", args=args), None
    if basename in ("declarationround", "declaration", "objection", "publicity") and kind != "list":
        return declaration_request(w, name, action)
    if kind == "list":
        body = create_body(w, basename) if action == "create" else None
        return method, reverse(f"api:{name}"), body
    if basename == "annualfiling" and kind != "list":
        filing = w.filings[FILING_OF_ACTION.get(action, "draft")]
        body = update_body(w, basename, action) if method == "patch" else None
        return method, reverse(f"api:{name}", args=[filing.pk]), {"reason": "数据有误"} if action == "return" else body
    if kind in ("detail", "history", "assessment", "download"):
        path = reverse(f"api:{name}", args=[target(w, basename).pk])
        return method, path, update_body(w, basename, action) if method == "patch" else None
    if name == "report-plan-progress-records":
        return method, reverse(f"api:{name}", args=[w.plan_target.code]), None
    if name == "export-file":
        return method, reverse(f"api:{name}", args=[w.export_job.pk]), None
    if name == "supportaward-import-file":  # E1's award under the policy without awards, approved
        upload = SimpleUploadedFile("awards.csv", (
            "统一社会信用代码,政策名称,状态,核定金额（万元）,核定日期\n"
            f"{w.enterprises[0].credit_code},{w.support_policies[1].name},已核定,20,2025-03-01\n").encode())
        return method, reverse(f"api:{name}"), {"file": upload}
    if name == "supportaward-import-template":
        return method, reverse(f"api:{name}"), None
    if name in ("import-template", "export-csv"):
        return method, reverse(f"api:{name}", args=["enterprises"]), None
    if name == "report-compliance-gaps":  # its kind is required
        return method, f"{reverse(f'api:{name}')}?kind=deep_synthesis", None
    if name.startswith("report-park-"):
        return method, reverse(f"api:{name}", args=[w.parks[0].pk]), None
    if name.startswith("report-"):
        return method, reverse(f"api:{name}"), None
    if name == "park-occupancy":
        return method, reverse(f"api:{name}", args=[w.parks[0].pk]), None
    if name == "district-occupancy":
        return method, reverse(f"api:{name}", args=[w.districts[0].pk]), None
    if name == "invitation":
        where = {"park": w.parks[0].pk} if action == "invite_park" else {"enterprise": w.enterprises[0].pk}
        return method, reverse(f"api:{name}"), {"username": "invitee", "email": "invitee@example.com", **where}
    if name == "logout":
        return method, reverse(f"api:{name}"), None
    if name == "token":
        account = w.users["no_role" if role == "anonymous" else role]
        password = "pw" if action == "obtain" else "not-the-password"
        return method, reverse(f"api:{name}"), {"username": account.username, "password": password}
    raise AssertionError(f"no request for {name} {action}")


def database_state() -> dict:
    """Every row of the tables a request could write (the apps' models and history, accounts, tokens)."""
    models = [m for label in ("parks", "enterprises", "registry") for m in
              apps.get_app_config(label).get_models(include_auto_created=True)]
    user_model = get_user_model()
    models += [user_model, user_model.groups.through, apps.get_model("authtoken", "Token")]
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}


# --- the tests ----------------------------------------------------------------------------------------------
def cells():
    """One pytest param per cell, the suspected ones marked as strict expected failures."""
    for name, actions in MATRIX.items():
        for action, statuses in actions.items():
            for role, status in zip(ROLES, statuses, strict=True):
                reason = SUSPECTED.get((name, action, role))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(name, action, role, status, id=f"{name}:{action}:{role}", marks=marks)


@pytest.mark.parametrize(("name", "action", "role", "expected"), list(cells()))
def test_cell(world, name, action, role, expected):
    client = APIClient() if role == "anonymous" else token_client(world.users[role])
    method, path, body = build_request(world, name, action, role)
    before = database_state() if method != "get" else None
    fmt = "multipart" if name in ("import-list", "evidencefile-list", "supportaward-import-file") else "json"
    response = getattr(client, method)(path, body, format=fmt) if body is not None else getattr(client, method)(path)
    detail = getattr(response, "data", None)
    assert response.status_code == expected, f"{method.upper()} {path} {body} -> {response.status_code} {detail}"
    if before is not None and response.status_code >= 400:
        assert database_state() == before, f"refused {method.upper()} {path} wrote to the database"


def test_every_endpoint_and_method_has_rows():
    endpoints = api_endpoints(skip=UNCOVERED_METHODS)
    assert len(endpoints) > 40, "the walk found too few endpoints"
    assert sorted(set(endpoints) - set(MATRIX)) == [], "endpoints without rows in the permission matrix"
    assert sorted(set(MATRIX) - set(endpoints)) == [], "rows for endpoints that no longer exist"
    uncovered = {
        name: sorted(methods - {METHODS[action] for action in MATRIX[name]})
        for name, methods in endpoints.items()
    }
    assert {name: methods for name, methods in uncovered.items() if methods} == {}, "methods without rows"


def test_matrix_is_well_formed():
    for name, actions in MATRIX.items():
        for action, statuses in actions.items():
            assert action in METHODS, (name, action)
            assert len(statuses) == len(ROLES), (name, action)
    assert set(SUSPECTED) <= {(n, a, r) for n, acts in MATRIX.items() for a in acts for r in ROLES}


def test_world_is_as_described(world):
    """The world the cells rely on: P1 and P2 in different districts, E1 renting in P1, E2 in P2."""
    (p1, p2), (e1, e2) = world.parks, world.enterprises
    assert p1.district_id != p2.district_id
    assert (e1.park, e2.park) == (p1, p2)
    assert [t.park for t in world.tenancies] == [p1, p2]
    assert [u.park for u in world.free_units] == [p1, p2]
    assert not any(u.tenancies.exists() for u in world.free_units)
    assert world.tenancies[0].start == datetime.date(2024, 1, 1) and world.tenancies[0].end is None


def test_world_declarations_and_district_staff_are_as_described(world):
    """District staff of D1 (P1's and E1's district) and of D2; the open round is open, the rest past their window;
    E1's declarations stand where their cells need them, in D1; the objection is on the one in publicity today."""
    (d1, d2), (e1, _e2) = world.districts, world.enterprises
    assert (world.parks[0].district, e1.district) == (d1, d1)
    assert [m.district for m in DistrictMembership.objects.filter(
        user__in=[world.users["district_staff"], world.users["district_staff_other"]]).order_by("user")] == [d1, d2]
    assert [key for key, r in world.rounds.items() if r.is_open()] == ["open"]
    assert world.rounds["publicity"].in_publicity() and not world.rounds["ended"].in_publicity()
    assert world.rounds["ended"].publicity_ends < timezone.localdate()
    mine = {key: d for key, d in world.declarations.items() if d.enterprise == e1}
    assert all(d.district == d1 for d in mine.values())
    assert world.declarations["other_district_review"].district == d2
    assert {key: d.status for key, d in mine.items()} == {
        "district_review": "district_review", "city_review": "city_review", "returned": "returned",
        "publicity": "publicity", "ended": "publicity"}
    assert not Declaration.objects.filter(round=world.rounds["open"], enterprise=e1).exists()
    assert world.objection.declaration == world.declarations["publicity"] and world.objection.upheld is None
