"""Two-step sign-in (TOTP from an authenticator app, with recovery codes) on django-otp.

The accounts that can do most harm — staff, and holders of roles that sign or number
documents — can be required to use it (``OTP_REQUIRED``); everyone else may. The site's and
the API's sign-in ask for the code; this package holds the rules and the state changes,
not the pages.
"""
