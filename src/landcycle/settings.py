"""Django settings for landcycle.

Data lives under ``LANDCYCLE_HOME`` (default ``./var``): the SQLite file, uploads, exports.
``DATABASE_URL=postgres://...`` switches to PostgreSQL with no other change.
"""

import importlib.util
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
LANDCYCLE_HOME = Path(os.environ.get("LANDCYCLE_HOME", "var")).resolve()
LANDCYCLE_HOME.mkdir(parents=True, exist_ok=True)
# The files several app servers and workers must share (uploads, prepared exports, an import's progress): folders under
# LANDCYCLE_FILES_DIR, LANDCYCLE_HOME by default; on several servers a network file system mounted on each (or the
# S3 storage, LANDCYCLE_STORAGE=s3, for uploads and exports). docs/deployment.md.
FILES_DIR = Path(os.environ.get("LANDCYCLE_FILES_DIR", "") or LANDCYCLE_HOME).resolve()
UPLOADS_DIR = FILES_DIR / "uploads"
EXPORTS_DIR = FILES_DIR / "exports"

DEBUG = os.environ.get("LANDCYCLE_DEBUG", "0") == "1"


def _secret_key() -> str:
    key = os.environ.get("LANDCYCLE_SECRET_KEY")
    if key:
        return key
    # A key kept beside the data, made once per installation; never committed.
    path = LANDCYCLE_HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The key of the audit chain's HMAC (docs/architecture.md, "The audit chain"): kept outside the database, so
    whoever can write the database cannot re-hash the chain after changing it."""
    key = os.environ.get("LANDCYCLE_AUDIT_KEY")
    if key:
        return key.encode("utf-8")
    path = LANDCYCLE_HOME / "audit_key"
    if not path.exists():  # made once, owner-only; two processes starting together keep the first one's key
        tmp = path.with_name(f".audit_key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip().encode("utf-8")


LANDCYCLE_AUDIT_KEY = _audit_key()
# The chain's head after every committed write, appended to a file outside the database (one JSON line each,
# itself keyed): a database rolled back or cut short no longer matches it. Empty turns checkpoints off.
LANDCYCLE_AUDIT_CHECKPOINTS = os.environ.get("LANDCYCLE_AUDIT_CHECKPOINTS", str(LANDCYCLE_HOME / "audit-checkpoints"))
ALLOWED_HOSTS = [h for h in os.environ.get("LANDCYCLE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LANDCYCLE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "leaflet",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",  # app label django_tasks_database: the table of the database queue (DBTaskResult)
    "landcycle.accounts",
    "landcycle.audit",
    "landcycle.registry",
    "landcycle.countypolicy",
    "landcycle.evaluation",
    "landcycle.supervision",
    "landcycle.admission",
    "landcycle.ledgers",
    "landcycle.rectification",
    "landcycle.exits",
    "landcycle.renewal",
    "landcycle.ranking",
    "landcycle.api",
    "landcycle.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "landcycle.accounts.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "landcycle.accounts.middleware.LoginRequiredMiddleware",
    "landcycle.web.middleware.DatabaseBusyMiddleware",
    "landcycle.supervision.convert.PagePoliciesMiddleware",  # each county's warning policy read once per request
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "landcycle.urls"
WSGI_APPLICATION = "landcycle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "landcycle.web.context.navigation",
            ],
        },
    },
]

# A worker keeps its connection between requests (LANDCYCLE_CONN_MAX_AGE seconds, default 60), on SQLite too: a new
# SQLite connection reads the whole schema again (~1.3 ms with its 300-odd tables and indexes) and starts with an
# empty page cache, which every request paid (docs/benchmarks.md, "The page shell"). Gunicorn's workers open their
# own after the fork (no --preload); a connection left in error is closed at the end of its request (Django).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{LANDCYCLE_HOME / 'landcycle.sqlite3'}",
        conn_max_age=int(os.environ.get("LANDCYCLE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL: readers never wait on a writer (a long import), and a writer waits SQLITE_BUSY_TIMEOUT seconds for
    # another writer before "database is locked" (answered with a 503 page, web.middleware)
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": int(os.environ.get("LANDCYCLE_SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# A read replica for reports (issue 18): LANDCYCLE_REPLICA_URL=postgres://… (a streaming replica of DATABASE_URL) adds
# the alias ``replica``; kit.replica sends the reads of the report-only paths there (the dashboard, the counties side
# by side, the big export jobs) and everything else, every write included, to the primary. docs/deployment.md.
REPLICA_URL = os.environ.get("LANDCYCLE_REPLICA_URL", "").strip()
if REPLICA_URL:
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("LANDCYCLE_REPLICA_URL needs DATABASE_URL=postgres://… (a replica of PostgreSQL)")
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=int(os.environ.get("LANDCYCLE_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the replica is the test database itself
REPLICA_READS = bool(REPLICA_URL)
DATABASE_ROUTERS = ["landcycle.kit.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTH_PASSWORD_VALIDATORS += [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling and lockout (django-axes): after LANDCYCLE_LOGIN_FAILURES wrong passwords (default 5) for one
# user from one address, that pair is locked for LANDCYCLE_LOCKOUT_MINUTES (default 15); a county administrator
# unlocks earlier with `landcycle axes_reset_username USER`. Every attempt is kept (axes' tables).
# RegionModelBackend: Django's ModelBackend reading the user's region with the user (one query less on every page);
# ModelBackend itself stays for the sessions signed in before it (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "landcycle.accounts.backends.RegionModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LANDCYCLE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("LANDCYCLE_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = LANDCYCLE_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)


def file_storages(environ: Mapping[str, str], module_available: Callable[[str], bool] | None = None) -> dict:
    """Where uploads (``default``: ledgers, evidence, photos, case files, documents) and prepared downloads
    (``exports``) are kept (kit.storage). By default folders under LANDCYCLE_HOME (UPLOADS_DIR, EXPORTS_DIR).
    ``LANDCYCLE_STORAGE=s3`` puts both in one S3-compatible bucket through django-storages, so that several app
    servers share them: LANDCYCLE_S3_BUCKET (required), LANDCYCLE_S3_ENDPOINT_URL (MinIO, OSS, COS…; empty for AWS),
    LANDCYCLE_S3_REGION, LANDCYCLE_S3_ACCESS_KEY_ID / LANDCYCLE_S3_SECRET_ACCESS_KEY (empty: boto3's own chain —
    environment, instance role), LANDCYCLE_S3_PREFIX (default ``landcycle``; uploads under ``<prefix>/uploads``,
    exports under ``<prefix>/exports``). Objects are private and never linked: downloads go through the views."""
    kind = environ.get("LANDCYCLE_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return {
            "default": {"BACKEND": "landcycle.kit.storage.LocalStorage", "OPTIONS": {"setting": "UPLOADS_DIR"}},
            "exports": {"BACKEND": "landcycle.kit.storage.LocalStorage", "OPTIONS": {"setting": "EXPORTS_DIR"}},
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"LANDCYCLE_STORAGE={kind!r}: expected 'local' (the default) or 's3'")
    available = module_available or (lambda name: importlib.util.find_spec(name) is not None)
    if not available("boto3"):
        raise ImproperlyConfigured(
            "LANDCYCLE_STORAGE=s3 needs the Python package boto3, which is not installed "
            "(pip install 'django-storages[s3]' or boto3 into the product's environment)"
        )
    bucket = environ.get("LANDCYCLE_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("LANDCYCLE_STORAGE=s3 needs LANDCYCLE_S3_BUCKET (the bucket's name)")
    prefix = environ.get("LANDCYCLE_S3_PREFIX", "landcycle").strip("/")
    common = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("LANDCYCLE_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("LANDCYCLE_S3_REGION") or None,
        "access_key": environ.get("LANDCYCLE_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("LANDCYCLE_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": "private",
        "querystring_auth": True,  # were a URL ever made, it would be signed and short-lived
        "file_overwrite": False,  # a name taken gets a new one, as on the local disk
    }
    return {
        name: {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**common, "location": f"{prefix}/{folder}"}}
        for name, folder in (("default", "uploads"), ("exports", "exports"))
    }


STORAGES = {
    **file_storages(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}


def cache_settings(environ: Mapping[str, str]) -> dict:
    """Django's cache (kit.cache keeps computed figures there until a write changes them). Local memory by default
    (each process its own: right for one server); LANDCYCLE_CACHE_URL=redis://host:6379/0 (or rediss://, unix://)
    shares one Redis between the app servers and the workers. LANDCYCLE_CACHE_PREFIX keeps installations sharing a
    Redis apart (default ``landcycle``)."""
    url = environ.get("LANDCYCLE_CACHE_URL", "").strip()
    prefix = environ.get("LANDCYCLE_CACHE_PREFIX", "landcycle")
    if not url or url.startswith("locmem"):
        # kept pages (kit.pagecache, 2–20 KB each compressed): room for a few thousand per process (Django's default,
        # 300, would push the figures out as soon as a county's users browse)
        backend = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "landcycle",
            "OPTIONS": {"MAX_ENTRIES": int(environ.get("LANDCYCLE_CACHE_ENTRIES", "3000"))},
        }
    elif url.startswith(("redis://", "rediss://", "unix://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    else:
        raise ImproperlyConfigured(f"LANDCYCLE_CACHE_URL={url!r}: expected redis://…, rediss://…, unix://… or empty")
    return {"default": {**backend, "KEY_PREFIX": prefix, "TIMEOUT": 24 * 3600}}


CACHES = cache_settings(os.environ)
# Whole page bodies kept per reader until any write (kit.pagecache); LANDCYCLE_PAGE_CACHE=0 renders every request.
LANDCYCLE_PAGE_CACHE = os.environ.get("LANDCYCLE_PAGE_CACHE", "1") != "0"

# Serve static files straight from the apps' folders too, so `serve` works before collectstatic.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
# A sign-in lasts one working day (LANDCYCLE_SESSION_HOURS, default 8) from the moment of signing in, and ends
# when the browser is closed, whichever comes first; then the next page asks to sign in again. The age is counted
# from the sign-in, not from the last click: renewing it on every page would write the session table on every
# read, which on SQLite waits behind a long import.
SESSION_COOKIE_AGE = int(float(os.environ.get("LANDCYCLE_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
# Served over HTTPS (LANDCYCLE_HTTPS=1, behind a TLS proxy or load balancer): cookies only over HTTPS, HSTS, plain
# HTTP redirected (LANDCYCLE_SSL_REDIRECT=0 where the proxy redirects itself) and, with LANDCYCLE_PROXY_SSL_HEADER=1,
# the proxy's X-Forwarded-Proto trusted. `landcycle check --deploy` is clean with these (tests/web_server).
HTTPS = os.environ.get("LANDCYCLE_HTTPS", "0") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and os.environ.get("LANDCYCLE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("LANDCYCLE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and os.environ.get("LANDCYCLE_HSTS_SUBDOMAINS", "0") == "1"
if os.environ.get("LANDCYCLE_PROXY_SSL_HEADER", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Subdomains and the browsers' preload list are the domain owner's decision, not the product's: opt in above.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005", "security.W021"]
# A form refused by the CSRF check (an old tab, a session that ended) gets the 403 page in the product's layout.
CSRF_FAILURE_VIEW = "landcycle.web.errors.csrf_failure"

LEAFLET_CONFIG = {"TILES": [], "NO_GLOBALS": False}

# Uploaded ledger files (the browser's 数据导入 and `landcycle import / evaluate / supervise`): every workbook is
# checked against these before it is read (rules/ledger/limits.py), so no file can abort or exhaust a worker.
# Each can be set from the environment; see docs/user-guide.md "上传限制 · Upload limits".
LANDCYCLE_UPLOAD_MAX_BYTES = int(os.environ.get("LANDCYCLE_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED = int(os.environ.get("LANDCYCLE_UPLOAD_MAX_UNCOMPRESSED", str(500 * 1024 * 1024)))
LANDCYCLE_UPLOAD_MAX_RATIO = int(os.environ.get("LANDCYCLE_UPLOAD_MAX_RATIO", "100"))
LANDCYCLE_UPLOAD_MAX_CELLS = int(os.environ.get("LANDCYCLE_UPLOAD_MAX_CELLS", "10000000"))
# Django keeps an uploaded file in memory up to this size and streams a larger one to a temporary file, so a
# large upload never sits in a worker's memory before the size check refuses it. The other form fields of a
# request stay within DATA_UPLOAD_MAX_MEMORY_SIZE (Django's default, 2.5 MB; file contents do not count).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LANDCYCLE_LOG_LEVEL", "WARNING")},
}

PAGE_SIZE = 50

# --- A busy database and long imports (issue 10) ----------------------------------------------------------
# Retry-After (seconds) of the 503 page a write gets when another write (a large import) holds the database.
BUSY_RETRY_AFTER = int(os.environ.get("LANDCYCLE_BUSY_RETRY_AFTER", "30"))
# An import confirm of more rows than this runs in the background (`landcycle jobs run` or a thread of the web
# process) and the batch page shows its progress; smaller ones run while the user waits (~3,000 rows/s seen).
IMPORT_BACKGROUND_ROWS = int(os.environ.get("LANDCYCLE_IMPORT_BACKGROUND_ROWS", "10000"))
# Progress of a running import: a small JSON file per batch, readable while the import holds the write lock.
IMPORT_PROGRESS_DIR = FILES_DIR / "progress"
# A list's export of more rows than this runs as a job of the task queue (下载中心) instead of while the user waits.
EXPORT_JOB_ROWS = int(os.environ.get("LANDCYCLE_EXPORT_JOB_ROWS", "20000"))

# Parcel shapes (issue 10): limits on what an import or the parcel form may store, and how many points a map
# sends per shape. Each can be set from the environment; docs/user-guide.md (地块图形的上限) lists them.
LANDCYCLE_SHAPE_MAX_POINTS = int(os.environ.get("LANDCYCLE_SHAPE_MAX_POINTS", "10000"))  # vertices of one shape
LANDCYCLE_SHAPE_MAX_RINGS = int(os.environ.get("LANDCYCLE_SHAPE_MAX_RINGS", "200"))  # outer rings + holes
LANDCYCLE_SHAPE_MAX_PARTS = int(os.environ.get("LANDCYCLE_SHAPE_MAX_PARTS", "100"))  # polygons of a MultiPolygon
LANDCYCLE_SHAPE_FILE_MAX_BYTES = int(os.environ.get("LANDCYCLE_SHAPE_FILE_MAX_BYTES", str(50 * 2**20)))
LANDCYCLE_MAP_SHAPE_POINTS = int(os.environ.get("LANDCYCLE_MAP_SHAPE_POINTS", "250"))  # per shape, maps of many
LANDCYCLE_PARCEL_SHAPE_POINTS = int(os.environ.get("LANDCYCLE_PARCEL_SHAPE_POINTS", "2000"))  # a parcel page's own
# The county map (issue 13): an optional base layer of tiles (none by default: nothing is fetched from outside, the map
# shows the registry's outlines on a plain background). LANDCYCLE_MAP_TILES is a Leaflet URL template, or several
# separated by spaces drawn one over the other (天地图: its vec_w and cva_w layers with the county's key, or a tile server
# on the county's network); tiles must be Web Mercator in WGS 84/CGCS2000 (GCJ-02 tiles would sit ~500 m off).
LANDCYCLE_MAP_TILES = os.environ.get("LANDCYCLE_MAP_TILES", "").split()
LANDCYCLE_MAP_TILES_ATTRIBUTION = os.environ.get("LANDCYCLE_MAP_TILES_ATTRIBUTION", "")
LANDCYCLE_MAP_TILES_SUBDOMAINS = os.environ.get("LANDCYCLE_MAP_TILES_SUBDOMAINS", "abc")  # {s} in the URL
LANDCYCLE_MAP_TILES_MAX_ZOOM = int(os.environ.get("LANDCYCLE_MAP_TILES_MAX_ZOOM", "18"))
# Parcels are drawn from this zoom on, those in view only, and not when more than LANDCYCLE_MAP_VIEW_PARCELS are
# in view; below it the map shows town and park outlines.
LANDCYCLE_MAP_PARCEL_ZOOM = int(os.environ.get("LANDCYCLE_MAP_PARCEL_ZOOM", "14"))
LANDCYCLE_MAP_VIEW_PARCELS = int(os.environ.get("LANDCYCLE_MAP_VIEW_PARCELS", "4000"))


def _tile_hosts() -> list[str]:
    """The map tile servers' origins (``{s}`` subdomains become a wildcard), for the CSP's img-src."""
    hosts = []
    for url in LANDCYCLE_MAP_TILES:
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0].replace("{s}", "*")
        if scheme in ("http", "https") and host:
            hosts.append(f"{scheme}://{host}")
    return hosts


# Content Security Policy (django-csp): scripts only from this site — no inline script, no eval, no CDN; styles from
# this site (plus style attributes, which the server-rendered charts and the map's markers use); pictures from this
# site, data: URLs (chart images) and the configured tile servers; no frames, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_tile_hosts()],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


# --- The REST API (issue 18, docs/api.md) ---------------------------------------------------------------------
# Browsers use their session (with the CSRF check); integrations send `Authorization: Token <key>` (api.ApiToken:
# per user, expiring, revocable, only its hash stored). Every endpoint reads through accounts.scope and writes
# through the apps' services; errors have one shape (api.errors). Throttling counts per token (or per user, per
# address for the anonymous): LANDCYCLE_API_RATE requests per minute by default.
API_RATE = os.environ.get("LANDCYCLE_API_RATE", "600/min")
API_TOKEN_DAYS = int(os.environ.get("LANDCYCLE_API_TOKEN_DAYS", "365"))  # the longest a token may live
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "landcycle.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "landcycle.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["landcycle.api.filters.QueryFilters", "rest_framework.filters.OrderingFilter"],
    "DEFAULT_THROTTLE_CLASSES": ["landcycle.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "EXCEPTION_HANDLER": "landcycle.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "landcycle.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "landcycle API",
    "DESCRIPTION": "工业用地全生命周期管理 REST API / REST API of landcycle (docs/api.md)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # stable names of the choice sets several models call "status" or "kind" (clients generate code from them)
    "ENUM_NAME_OVERRIDES": {
        "ParcelStatusEnum": "landcycle.registry.models.Parcel.Status",
        "EnterpriseStatusEnum": "landcycle.registry.models.Enterprise.Status",
        "WarningStatusEnum": "landcycle.supervision.models.warnings.Warning.Status",
        "RunStatusEnum": "landcycle.evaluation.models.EvaluationRun.Status",
        "TaskStatusEnum": "landcycle.rectification.models.ledger.Task.Status",
        "ApplicationStatusEnum": "landcycle.admission.models.Application.Status",
        "ParkKindEnum": "landcycle.registry.models.Park.Kind",
        "OccupancyKindEnum": "landcycle.registry.models.Occupancy.Kind",
        "ContractKindEnum": "landcycle.supervision.models.contracts.Contract.Kind",
        "InspectionKindEnum": "landcycle.rectification.models.ledger.Inspection.Kind",
        "ExitCaseKindEnum": "landcycle.exits.models.Case.Kind",
        "ExitCaseStateEnum": "landcycle.exits.models.Case.State",
        "CaseStepKindEnum": "landcycle.exits.models.CaseStep.Kind",
        "MoneyItemKindEnum": "landcycle.exits.models.MoneyItem.Kind",
        "LeftoverOwnerEnum": "landcycle.exits.models.LeftoverItem.Owner",
        "RenewalProjectKindEnum": "landcycle.renewal.models.RenewalProject.Kind",
        "RenewalProjectStateEnum": "landcycle.renewal.models.RenewalProject.State",
        "MilestoneKindEnum": "landcycle.renewal.models.Milestone.Kind",
        "RankingRunStateEnum": "landcycle.ranking.models.RankingRun.State",
        # a warnings refresh and a ranking computation: the same four states
        "BackgroundJobStatusEnum": "landcycle.supervision.models.runs.RefreshRun.Status",
        "RoundStatusEnum": "landcycle.rectification.models.rounds.Round.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "landcycle.api.schema.add_error_answers",
    ],
}


# Background work (issue 18): Django's task API (the django-tasks backport of Django 6.0's django.tasks).
# The default queue is a table of this database (django-tasks-db): nothing else to install, SQLite included;
# `landcycle serve` runs its worker (`landcycle db_worker`) beside the web server. LANDCYCLE_TASKS=rq puts the
# queue on Redis (django-tasks-rq, LANDCYCLE_REDIS_URL) for several servers, each running `landcycle jobs run`
# (then django-rq's rqworker with django-tasks-rq's job class).
# docs/deployment.md says how to run the workers; docs/architecture.md why this queue.
LANDCYCLE_TASKS = os.environ.get("LANDCYCLE_TASKS", "db").strip().lower() or "db"
if LANDCYCLE_TASKS == "rq":
    INSTALLED_APPS[INSTALLED_APPS.index("django_tasks_db") : INSTALLED_APPS.index("django_tasks_db")] = [
        "django_rq",
        "django_tasks_rq",
    ]
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("LANDCYCLE_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DEFAULT_TIMEOUT": int(os.environ.get("LANDCYCLE_TASK_TIMEOUT", "3600")),
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif LANDCYCLE_TASKS == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise RuntimeError(f"LANDCYCLE_TASKS={LANDCYCLE_TASKS!r}: use db (the default) or rq")
# A task that fails is tried again, this many times in all, then shown as failed with the reason.
TASK_MAX_ATTEMPTS = int(os.environ.get("LANDCYCLE_TASK_MAX_ATTEMPTS", "3"))
# Seconds before the second attempt (doubled before each further one); 0 tries again at once.
TASK_RETRY_SECONDS = float(os.environ.get("LANDCYCLE_TASK_RETRY_SECONDS", "30"))
# `landcycle serve` runs the database queue's worker beside gunicorn; 0 when workers run on their own (systemd).
SERVE_TASK_WORKER = os.environ.get("LANDCYCLE_TASK_WORKER", "1") != "0"
