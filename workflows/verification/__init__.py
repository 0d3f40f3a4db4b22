"""“Xác thực văn bản”: anyone holding a PDF checks the digital signatures it carries.

The page (``/verify/``) and the API (``POST /api/verify/``) take an uploaded PDF and list each
signature: who signed, for which organisation, when (Vietnam time), its timestamp, whether the
chain ends at one of the site's trust roots, whether the certificate is revoked, whether the
document is intact since and whether the later changes were allowed; then a verdict with its
reasons. The validation itself is :func:`approvals.signing.validation.validate_pdf`. The API's
view is :mod:`workflows.api.views.verification`: the API builds on this package, never the
other way round.

Recipients outside the system must be able to check what they received, so both are open to
anonymous visitors, rate-limited per address (per user once signed in, ``VERIFY_THROTTLE_RATE``)
and with the upload capped (``VERIFY_MAX_BYTES``). Revocation data is fetched over the network
(``SIGNING_ALLOW_FETCHING``) only for signed-in users: an anonymous upload never makes the
server call the addresses written in its certificates.
"""
