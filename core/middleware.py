"""Content Security Policy on every response.

Our pages load scripts, styles, fonts and images only from our own origin, and never
inline: templates carry no <script> bodies and no style= attributes. The Django admin
(superusers only) keeps the same script rule with one exception by hash:
django-import-export's export page has the one inline handler below. Two third-party
admin templates (that export page, simple-history's list) use style= attributes, so admin
pages allow inline styles.

It stands before WhiteNoise in MIDDLEWARE, so static files get the policy (and frame
denial) too, like every page and file download.

`healthz_by_address` answers the load balancer's probe of /healthz before Django checks
the Host header: a probe addresses the machine by IP, which ALLOWED_HOSTS rightly refuses
for every other page.
"""

import base64
import hashlib

# Inline event handlers of third-party admin templates, allowed by their exact text.
ADMIN_INLINE_HANDLERS = ["onSelectToggleChange(event)"]  # import_export/export.html


def source_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # Bootstrap draws its select arrows and checkboxes with data: SVG images.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN_POLICY = STRICT_POLICY | {
    "script-src": " ".join(["'self'", "'unsafe-hashes'", *map(source_hash, ADMIN_INLINE_HANDLERS)]),
    "style-src": "'self' 'unsafe-inline'",
}


def policy_header(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


STRICT_HEADER = policy_header(STRICT_POLICY)
ADMIN_HEADER = policy_header(ADMIN_POLICY)


def content_security_policy(get_response):
    def middleware(request):
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        in_admin = match is not None and match.app_name == "admin"
        response.headers.setdefault(
            "Content-Security-Policy", ADMIN_HEADER if in_admin else STRICT_HEADER
        )
        # XFrameOptionsMiddleware covers views; this covers what returns before it
        # (static files, the health check). A view marked exempt stays exempt.
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return middleware


HEALTHZ_PATH = "/healthz"


def healthz_by_address(get_response):
    """/healthz whatever the Host header (a load balancer probes http://10.0.0.5/healthz)."""
    from .health import healthz

    def middleware(request):
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        return get_response(request)

    return middleware
