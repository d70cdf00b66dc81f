"""Response headers and the cross-site request check applied to every request."""

from urllib.parse import urlsplit

from flask import abort, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
# Mirror mode's worker (static/js/mirror-worker.js) runs MediaPipe's face mesh, whose Emscripten glue makes
# functions from strings: the worker's own policy allows that and WebAssembly, inside the worker only (it has no
# page to reach and loads from this origin only); every page keeps CSP above.
MIRROR_WORKER = "js/mirror-worker.js"
WORKER_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "img-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ]
)
PERMISSIONS = "camera=(), microphone=(), geolocation=()"
CAMERA_HERE = "camera=(self), microphone=(), geolocation=()"  # the guided player's Mirror, on this site only
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app):
    """Check every request for cross-site changes, and add the security headers to every response."""
    app.before_request(refuse_cross_site)
    app.after_request(add_headers)


def refuse_cross_site():
    """Refuse state-changing requests another site started (OWASP: Fetch Metadata, then Origin)."""
    if request.method not in UNSAFE_METHODS:
        return
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site not in ("same-origin", "none"):
            abort(403, "This form was sent from another site, so it was refused.")
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        abort(403, "This form was sent from another site, so it was refused.")


def add_headers(response):
    """Add the security headers (CSP, no sniffing, no framing), and keep personal pages out of caches."""
    if request.endpoint == "static" and (request.view_args or {}).get("filename") == MIRROR_WORKER:
        response.headers["Content-Security-Policy"] = WORKER_CSP
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Permissions-Policy", PERMISSIONS)  # the player allows its own camera
    if request.endpoint and not request.endpoint.startswith("static"):
        # Personal pages must not sit in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
