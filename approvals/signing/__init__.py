"""Digital signatures (PAdES) on issued PDF documents, as Decree 30/2020 Phụ lục I asks.

The engine knows no plan and no nomination: a workflow renders its PDF and hands the bytes
here, and gets signed bytes back. pyHanko does all the cryptography and PDF work.

- :func:`approvals.signing.documents.sign_pdf` ``(pdf, *, credential, field, appearance,
  as_user | as_unit, pin, reason, location, certify, timestamp, ...) -> bytes``: one PAdES
  signature (SHA-256) as an incremental update, signing time in Vietnam's time zone,
  validation data embedded (B-LT; B-LTA when timestamped). The signer's signature is an
  approval signature, so the number and date can be filled and the organisation's signature
  added afterwards.
- :func:`~approvals.signing.documents.sign_batch` ``(documents, *, credential, ...) ->
  list[Outcome]``: several documents with one opening of the key (one token login; one
  CSC authorisation and one signHash call per batch); one outcome per document.
- :func:`~approvals.signing.documents.fill_fields` ``(pdf, {name: value}) -> bytes``: fills
  the number/date text fields in an incremental update that keeps earlier signatures valid.
- :func:`approvals.signing.validation.validate_pdf` ``(pdf, trust_roots) ->
  list[SignatureReport]``: what pyHanko's validator finds, with reasons in Vietnamese.
- :class:`approvals.signing.models.SigningCredential`: a certificate bound to a person (or, a
  seal, to a unit) and where its key is: a PKCS#11 token, a PKCS#12 file, a CSC service
  (:mod:`approvals.signing.backends`). Secrets come from the environment or the person.
- Refusals are :class:`approvals.signing.exceptions.SigningRefused` subclasses with a code.
- :mod:`approvals.signing.pki` and ``manage.py pki``: the throwaway test PKI of the demo.
"""

from __future__ import annotations
