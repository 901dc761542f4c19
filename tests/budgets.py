"""The query budgets: every endpoint's queries per request, locked (tests/test_query_budgets.py measures them; the
generic API test class reads its list counts here). When a count changes, fix the N+1 or lock the new count.

A cold request by bureau staff signed in by token: the token, the roles (one query: the bureau group and every
membership), the savepoint pair of ATOMIC_REQUESTS
inside a test's transaction, the data version where the answer or the count may come from the cache
(config/data_version.py), then the endpoint's own queries. A report computed reads the version twice: on the
primary, and in its snapshot (config.db).
"""

# URL name -> HTTP method -> queries of one request by bureau staff. A step that notifies (a filing's review, a
# declaration's steps, a round opened or closed) reads its recipients and their preferences and writes their inbox
# rows: +3 to +6 (config.notifications). Writes run the model's full_clean(), in which a ConstrainedModel's plain
# check constraints are asked in one query between a savepoint pair (config.constraints; Django's own way, 3 queries
# a constraint, cost a filing's write 63 more), and each conditional unique constraint in a savepoint pair of its own;
# a foreign key is asked only where its record is not known to exist (config.constraints.known_references: unchanged
# since read, or a record read with it). The bureau's change, delete and review of a record it read, and its check
# after a create or update, ask no scope of their own (access.scoping.view_implies: the record read back is it).
BUDGETS: dict[str, dict[str, int]] = {
    "annualfiling-approve": {"post": 27},
    "annualfiling-detail": {"get": 5, "put": 17, "patch": 16, "delete": 12},  # delete: its declarations, evidence
    "annualfiling-history": {"get": 6},
    # branch registers: the filing, then the registers' three aggregates (IP, standards, financing)
    "annualfiling-registers": {"get": 8},
    "annualfiling-list": {"get": 7, "post": 24},  # +3 (branch registers): the registers' figures prefill it
    "annualfiling-return": {"post": 26},
    "annualfiling-revise": {"post": 25},
    "annualfiling-submit": {"post": 24},
    "declaration-approve": {"post": 25},
    "declaration-designate": {"post": 39},
    "declaration-detail": {"get": 6, "put": 24, "patch": 21},
    "declaration-list": {"get": 8, "post": 20},  # +1: the data version its count is cached under (branch pipeline)
    # branch pdf: the declaration with its filing and park, its steps, the held tiers, its evidence; any size
    "declaration-pdf": {"get": 8},
    "declaration-recommend": {"post": 28},
    "declaration-reject": {"post": 25},
    "declaration-return": {"post": 25},
    "declaration-sign": {"post": 14},
    "declaration-submit": {"post": 26},
    # a round opened or closed reads and writes no recipients in the request: its notices are a task's, queued after
    # the commit (-3, branch notes)
    "declarationround-close": {"post": 10},
    "declarationround-detail": {"get": 5, "put": 18, "patch": 18},
    "declarationround-list": {"get": 7, "post": 17},  # get +1: the data version (as declaration-list)
    "notification-detail": {"get": 4},
    "notification-list": {"get": 5},  # a page of rows: its count and rows (an empty page: the count alone)
    "notification-read": {"post": 5},
    "notification-read-all": {"post": 4},
    "objection-decide": {"post": 10},
    "objection-detail": {"get": 5},
    "objection-list": {"get": 6, "post": 8},
    "publicity-detail": {"get": 4},
    "publicity-list": {"get": 6},  # +1: the data version (as declaration-list)
    "benchmarkproject-detail": {"get": 6, "put": 18, "patch": 14, "delete": 10},
    "benchmarkproject-history": {"get": 8},
    "benchmarkproject-list": {"get": 8, "post": 23},
    "district-detail": {"get": 5, "put": 15, "patch": 13, "delete": 13},  # delete: its staff and declarations
    "district-history": {"get": 6},
    "district-list": {"get": 7, "post": 14},
    "district-occupancy": {"get": 7},
    "enterprise-assessment": {"get": 8},  # +1: the filing seasons, for its default year (the reporting year)
    # delete: its invitations go; declarations; +1 its support awards and +5 (branch registers) each register that
    # protects it (the collector reads them); +1 (branch compliance): its compliance filings protect it too; +1
    # (branch activities): its industry activities too
    "enterprise-detail": {"get": 5, "put": 13, "patch": 11, "delete": 25},
    "enterprise-history": {"get": 6},
    "enterprise-list": {"get": 7, "post": 13},
    # PUT: the record as read with its user changed (unchanged, it writes nothing); the PATCH sends the user alone
    "enterprisemembership-detail": {"get": 5, "put": 14, "patch": 13, "delete": 7},
    "enterprisemembership-history": {"get": 6},
    "enterprisemembership-list": {"get": 7, "post": 13},
    # branch evidence: a contract scan's record, its download, and uploading one (multipart) or removing it
    "evidencefile-detail": {"get": 5, "delete": 11},
    "evidencefile-download": {"get": 5},
    "evidencefile-list": {"get": 6, "post": 21},
    "export-csv": {"get": 5},
    "filingseason-detail": {"get": 5, "put": 19, "patch": 18, "delete": 7},
    "filingseason-history": {"get": 6},
    "filingseason-list": {"get": 7, "post": 18},
    "export-detail": {"get": 5},
    "export-file": {"get": 6},
    "export-list": {"get": 6, "post": 7},  # +2: the user's lock and count of active jobs (FILE_JOB_MAX_ACTIVE)
    "import-detail": {"get": 5},
    # post +1: the lock of the kind (enterprises.imports.base.Importer.lock); +1: the lock of the units of the
    # parks named (enterprises.services.tenancy_lock_units); +3: the unit (added today) let from an earlier day is
    # dated back, as tenancy-list's post does (enterprises.services.tenancy_open_unit)
    "import-list": {"get": 6, "post": 19},
    "import-template": {"get": 3},
    "invitation": {"post": 18},
    "lab-detail": {"get": 5, "put": 11, "patch": 8, "delete": 7},
    "lab-history": {"get": 6},
    "lab-list": {"get": 7, "post": 11},
    "logout": {"post": 4},
    # delete: its invitations go too; +1 (branch parksvc): its services go with it (the collector reads them)
    "park-detail": {"get": 5, "put": 10, "patch": 8, "delete": 18},
    "park-history": {"get": 6},
    "park-list": {"get": 7, "post": 10},
    "park-occupancy": {"get": 7},
    # PUT: the record as read with its user changed (unchanged, it writes nothing); the PATCH sends the user alone
    "parkmembership-detail": {"get": 5, "put": 14, "patch": 13, "delete": 7},
    "parkmembership-history": {"get": 6},
    "parkmembership-list": {"get": 7, "post": 13},
    "plantarget-detail": {"get": 5, "put": 25, "patch": 24, "delete": 7},
    "plantarget-history": {"get": 6},
    "plantarget-list": {"get": 7, "post": 24},
    "plantask-detail": {"get": 5, "put": 12, "patch": 12, "delete": 8},
    "plantask-history": {"get": 6},
    "plantask-list": {"get": 7, "post": 12},
    "platform-detail": {"get": 5, "put": 11, "patch": 8, "delete": 7},
    "platform-history": {"get": 6},
    "platform-list": {"get": 7, "post": 11},
    "public-benchmarkproject-detail": {"get": 5},
    "public-benchmarkproject-list": {"get": 7},
    "public-enterprise-detail": {"get": 4},
    "public-enterprise-list": {"get": 6},
    "public-park-detail": {"get": 5},  # +1 (branch parksvc): the park's public services, prefetched
    "public-park-list": {"get": 7},  # +1 (branch parksvc): the page's public services, one query
    "public-platform-detail": {"get": 4},
    "public-platform-list": {"get": 6},
    "report-declarations": {"get": 7},
    # -1: tenants and let area from one scan of the tenancies on the date; -1 (branch overview, 16 -> 15): the labs,
    # platforms, projects and tiers in two queries (by park; by enterprise) where they were four, plus one asking the
    # histories whether anything changed since the date. This world has a unit's area changed since the date: the
    # overview is counted from the records. The bureau's overview read from the kept figures is one statement where
    # it was five (branch overview; tests/test_overview_one_read.py counts it)
    "report-districts": {"get": 15},
    # the tasks, their funds (2), one query per indicator or per group of indicators (config.plan_board's group):
    # -22 (branch boardperf, 47 -> 25): the tiers (4 -> 1), standards by level (6 -> 1), activities by kind (7 -> 1),
    # IP by type (3 -> 1), financing (2 -> 1), listings (2 -> 1), characters (2 -> 1), algorithm filings (2 -> 1),
    # the park services (2 -> 1) and the benchmark projects (2 -> 1) each one query; grows only with an indicator
    # outside a group, or a new group
    "report-plan-board": {"get": 25},
    "report-support-funds": {"get": 8},
    "report-parks": {"get": 11},  # +1: the filing seasons, for the default year of the tenants not filed; -2 (branch
    # parkpage): the page's units and tenancies (on the date and over the period) read in one query instead of three;
    # -1 (branch park): the page of parks read with their number (a window count), no count query; +1 (branch
    # parkdays): the bureau's figures read from the kept per-park figures in one statement, which also asks whether a
    # unit's area moved since the date; the budget world's date has one, so the counted query follows (10 on a date
    # with none, as the district overview's kept path does)
    # a park's lists in the park report: token, roles, data version (twice: the cache's and the snapshot's), the
    # filing seasons (the default year), the park (in the report on the date), the count and the page's rows (none
    # read when the count is 0: tests/test_query_budgets.py counts one less)
    "report-park-tenancies-ending": {"get": 10},
    "report-park-tenants-not-filed": {"get": 10},
    "report-plan-progress": {"get": 8},  # the targets and one statement of every metric's figures and first records
    # (a UNION ALL of parts): does not grow with a metric; -9 (branch plan, second round): each metric's count and
    # read of its first records were two queries; before that, -3: a target counted by category (labs, platforms,
    # projects) counted from its breakdown; -2 (branch planprog): the targets over a revenue threshold share their
    # reads; -2 (branch plan): the bureau's labs, platforms and projects counted by one read of the kept changes
    "report-plan-progress-records": {"get": 9},
    "report-tier-candidates": {"get": 8},
    "report-tier-summary": {"get": 10},
    "reportrun-detail": {"get": 5},
    "reportrun-list": {"get": 7, "post": 7},
    "supportaward-detail": {"get": 5, "put": 10, "patch": 8, "delete": 7},
    "supportaward-history": {"get": 6},
    "supportaward-import-file": {"post": 14},  # the lock of the kind; the rows' enterprises, policies, awards
    "supportaward-import-template": {"get": 3},
    "supportaward-list": {"get": 7, "post": 10},
    "supportpolicy-detail": {"get": 5, "put": 10, "patch": 8, "delete": 8},
    "supportpolicy-history": {"get": 6},
    "supportpolicy-list": {"get": 7, "post": 10},
    # put, patch and post +1: the unit's lock, taken before the tenancy is written (tenancy_lock_units)
    "tenancy-detail": {"get": 5, "put": 17, "patch": 15, "delete": 10},  # delete: its contract scans and files
    "tenancy-history": {"get": 6},
    "tenancy-list": {"get": 7, "post": 19},  # +3: the unit (added today) let from an earlier day is dated back
    "tierdesignation-detail": {"get": 5, "put": 20, "patch": 19, "delete": 8},  # delete: its declaration
    "tierdesignation-history": {"get": 6},
    "tierdesignation-list": {"get": 7, "post": 20},
    "token": {"post": 7},  # the user's expired token deleted first (config.auth.token_issue); django-axes' count of
    # the username's failures from the address (the lockout)
    "unit-detail": {"get": 5, "put": 13, "patch": 12, "delete": 8},
    "unit-history": {"get": 6},
    "unit-list": {"get": 7, "post": 13},
    # The enterprise's own registers (branch registers)
    "standard-detail": {"get": 5, "put": 12, "patch": 11, "delete": 7},
    "standard-history": {"get": 6},
    "standard-list": {"get": 7, "post": 14},
    "intellectualproperty-detail": {"get": 5, "put": 12, "patch": 11, "delete": 7},
    "intellectualproperty-history": {"get": 6},
    "intellectualproperty-list": {"get": 7, "post": 12},
    "digitalhumanip-detail": {"get": 6, "put": 13, "patch": 12, "delete": 11},  # +1 reads: its registrations
    "digitalhumanip-history": {"get": 7},
    "digitalhumanip-list": {"get": 8, "post": 18},
    # +1 on writes (branch fixreg): the round's uniqueness (enterprise, day, round) checked first, as a listing's
    "financinground-detail": {"get": 5, "put": 12, "patch": 11, "delete": 7},
    "financinground-history": {"get": 6},
    "financinground-list": {"get": 7, "post": 12},
    "listing-detail": {"get": 5, "put": 12, "patch": 11, "delete": 7},
    "listing-history": {"get": 6},
    "listing-list": {"get": 7, "post": 12},
    # branch parksvc: the park services; writes through park_service_save: the title's uniqueness checked, no scope
    # query for the bureau (in_scope answers without one)
    "parkservice-detail": {"get": 5, "put": 11, "patch": 10, "delete": 7},
    "parkservice-history": {"get": 6},
    "parkservice-list": {"get": 7, "post": 11},
    # Compliance filings (branch compliance)
    "compliancefiling-detail": {"get": 5, "put": 10, "patch": 9, "delete": 7},
    "compliancefiling-history": {"get": 6},
    "compliancefiling-list": {"get": 7, "post": 12},
    "report-compliance-gaps": {"get": 8},  # the count and the page of the enterprises lacking the filing
    # Talent, events and cooperation (branch activities)
    "industryactivity-detail": {"get": 5, "put": 12, "patch": 11, "delete": 7},
    "industryactivity-history": {"get": 6},
    "industryactivity-list": {"get": 7, "post": 12},
}

# URL name -> (park administrator, enterprise user): queries of one GET of an endpoint without a record.
SCOPED_BUDGETS: dict[str, tuple[int, int]] = {
    "evidencefile-list": (6, 6),
    "annualfiling-list": (7, 7),
    "benchmarkproject-list": (8, 8),
    "declaration-list": (8, 8),
    "declarationround-list": (7, 7),
    "notification-list": (4, 4),
    "objection-list": (4, 4),
    "publicity-list": (6, 6),
    "district-list": (7, 7),
    "enterprise-list": (7, 7),
    "enterprisemembership-list": (7, 7),
    "export-csv": (5, 5),
    "export-list": (6, 6),
    "filingseason-list": (7, 7),
    "import-list": (6, 6),
    "import-template": (3, 3),
    "lab-list": (7, 7),
    "park-list": (7, 7),
    "parkmembership-list": (7, 4),
    "plantarget-list": (7, 7),
    "platform-list": (7, 7),
    "public-benchmarkproject-list": (7, 7),
    "public-enterprise-list": (6, 6),
    "public-park-list": (7, 7),  # +1 (branch parksvc): the page's public services
    "public-platform-list": (6, 6),
    "report-declarations": (7, 7),
    "report-districts": (15, 15),  # -1 (branch overview): see BUDGETS
    "report-plan-board": (25, 25),  # -22 (branch boardperf): the indicators' groups, one query each
    "report-support-funds": (8, 8),
    "report-parks": (11, 10),  # -2 (branch parkpage), -1 (branch park), +1 for the park administrator (branch
    # parkdays: their parks' kept figures asked first, as the bureau's): see BUDGETS
    "report-plan-progress": (8, 8),  # -11 (branch plan): one statement of every metric's reads (see BUDGETS)
    "report-plan-progress-records": (9, 9),
    "report-tier-candidates": (8, 8),
    "report-tier-summary": (10, 8),
    "reportrun-list": (4, 4),
    "plantask-list": (7, 7),
    "supportaward-import-template": (3, 3),
    "supportaward-list": (7, 7),
    "supportpolicy-list": (7, 7),
    "tenancy-list": (7, 7),
    "tierdesignation-list": (7, 7),
    "unit-list": (7, 7),
    "standard-list": (7, 7),
    "intellectualproperty-list": (7, 7),
    "digitalhumanip-list": (8, 8),  # +1: the page's registrations
    "financinground-list": (7, 7),
    "listing-list": (7, 7),
    "parkservice-list": (7, 7),  # branch parksvc
    "compliancefiling-list": (7, 7),  # branch compliance
    "report-compliance-gaps": (8, 8),
    "industryactivity-list": (7, 7),  # branch activities
}

# Web pages (not the API): URL name -> role -> queries of one GET by a signed-in user (session).
PAGE_BUDGETS: dict[str, dict[str, int]] = {
    # +3 for the report screens (the filing seasons, the years with figures, the years with a tier summary); +1 for
    # an enterprise user's (the filing seasons: the tier summary's default year)
    # +1 for reviewers: the navigation's count of filings awaiting their review (branch review)
    # +1 on every page for a signed-in user: the header bell's unread count (one COUNT)
    "dashboard": {"bureau": 15, "park_admin": 13, "enterprise_user": 12},
    # +1: the navigation reads the user's roles (user_scope: the bureau group and every membership, one query)
    "my-enterprises": {"enterprise_user": 7},
    # the queue and the navigation's count, whatever the number of filings waiting
    "review-queue": {"bureau": 10, "park_admin": 10},
    # +2: the filing seasons and the years of the year picker; +1: the designations, stated apart from the assessment
    "enterprise-profile": {"enterprise_user": 18},
    "filing-create": {"enterprise_user": 7},
    # +1: the evidence panel's files; +3 (branch registers): the registers' figures, noted or warned on their fields
    "filing-edit": {"enterprise_user": 12},
    # the enterprise's registers, a tab (branch regscreens): the enterprise, its records' count and page (whether the
    # user keeps it is read from their roles, already read); a character's registrations in one more query, whatever
    # the number of records; the park administrator's one more is the navigation's count of filings to review
    "registers": {"enterprise_user": 9, "park_admin": 10},
    "register-list": {"enterprise_user": 10, "park_admin": 11},
    # a new character's form with its registration rows: the enterprise (its empty rows ask nothing)
    "register-add": {"enterprise_user": 7},
    # the inbox: its page's count and rows, and the bell's count, whatever the number of notifications
    "inbox": {"bureau": 9, "enterprise_user": 7},
    # the bell's dropdown (loaded when opened): one query for its newest notifications, whatever their number, beside
    # the request's own (measured at both scales, branch notes)
    "inbox-latest": {"bureau": 5, "enterprise_user": 5},
    # branch parksvc: the park services page: the parks the user sees and the first one's services, whatever their
    # number
    "park-services": {"bureau": 9, "park_admin": 9},
    # branch reportpages: the report centre's compliance gaps and support awards, each the API's answer in-process
    # (its scope, count and page; the gaps' data version twice: the report's basis) beside the report screens' own
    # (filing seasons, years with figures, the navigation's counts) and the filters' districts and parks (gaps)
    "report-compliance-gaps": {"bureau": 15, "park_admin": 15},
    "report-support-awards": {"bureau": 10, "park_admin": 10},
}

# POST import-list of a file over IMPORT_SYNC_MAX_ROWS rows: started as a file job (202) instead of imported.
IMPORT_JOB_QUERIES = 7  # +2: the user's lock and count of active jobs (FILE_JOB_MAX_ACTIVE)
