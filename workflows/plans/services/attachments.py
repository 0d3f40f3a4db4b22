"""Files attached to a draft: checked by their content, capped in size, removed by mark."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.audit.services import audit_record
from approvals.exceptions import ActionNotPermitted, InvalidTransition, ValidationFailed
from approvals.steps import service_atomic
from workflows.plans.models import Plan, PlanAttachment, PlanState
from workflows.plans.services.steps import DRAFT, _locked

#: What each accepted type starts with; an upload whose bytes do not match its name is refused.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
_ZIP_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _checked_extension(name: str, head: bytes, data: Any) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e for e in settings.PLAN_ATTACHMENT_TYPES if e in _SIGNATURES]
    if extension not in allowed:
        raise ValidationFailed(
            _("Files of type “%(type)s” are not accepted; accepted: %(allowed)s.")
            % {"type": extension or "?", "allowed": ", ".join(allowed)},
            field="file",
        )
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationFailed(
            _("The file “%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": extension.upper()},
            field="file",
        )
    member = _ZIP_MEMBER.get(extension)
    if member is not None:
        import zipfile

        try:
            with zipfile.ZipFile(data) as archive:
                found = member in archive.namelist()
        except zipfile.BadZipFile:
            found = False
        if not found:
            raise ValidationFailed(
                _("The file “%(name)s” is not a real %(type)s file.")
                % {"name": name, "type": extension.upper()},
                field="file",
            )
    if extension == "pdf" and not _readable_pdf(data):
        # the agency signs every PDF attachment at issue: it must be a PDF that can be read
        raise ValidationFailed(
            _("The file “%(name)s” is a damaged PDF that cannot be read.") % {"name": name},
            field="file",
        )
    return extension


def _readable_pdf(data: Any) -> bool:
    import pypdf
    from pypdf.errors import PyPdfError

    data.seek(0)
    try:
        return len(pypdf.PdfReader(data).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return False
    finally:
        data.seek(0)


@service_atomic()
def plan_attach(*, plan: Plan, user: Any, upload: Any) -> PlanAttachment:
    """The drafter attaches a file to the draft: type checked by content, size capped."""
    locked = _locked(plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can attach files to it."))
    if locked.state != PlanState.DRAFT:
        raise InvalidTransition(_("Files are attached while the plan is a draft."))
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:255]
    size = int(getattr(upload, "size", 0) or 0)
    limit = int(settings.PLAN_ATTACHMENT_MAX_BYTES)
    if size <= 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    if size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": f"{limit / 1_048_576:.0f}"},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = _checked_extension(name, head, upload)
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    attachment = PlanAttachment(
        plan=locked,
        original_name=name,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(f"upload.{extension}", upload, save=False)
    attachment.save()
    audit_record(
        actor=user,
        action=DRAFT,
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        comment=_("Attached “%(name)s”") % {"name": name},
        content_hash=attachment.sha256,
        payload={"attachment": attachment.pk, "size": size, "type": extension},
    )
    return attachment


@service_atomic()
def plan_detach(*, attachment: PlanAttachment, user: Any) -> PlanAttachment:
    """The drafter removes a file from the draft; the row stays, marked removed."""
    locked = _locked(attachment.plan)
    if user.pk != locked.author_id:
        raise ActionNotPermitted(_("Only the drafter of this plan can remove its files."))
    if locked.state != PlanState.DRAFT:
        raise InvalidTransition(_("Files are removed while the plan is a draft."))
    row = PlanAttachment.objects.select_for_update().get(pk=attachment.pk)
    if row.removed_at is not None:
        raise InvalidTransition(_("This file was already removed."))
    row.removed_at = timezone.now()
    row.save(update_fields=["removed_at"])
    audit_record(
        actor=user,
        action=DRAFT,
        subject=locked,
        from_state=PlanState.DRAFT,
        to_state=PlanState.DRAFT,
        comment=_("Removed “%(name)s”") % {"name": row.original_name},
        content_hash=row.sha256,
        payload={"attachment": row.pk},
    )
    return row
