"""``/api/search/``: what the client asks (the words and the filters) and the page it gets."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.registers.models import DocumentKind
from workflows.api.serializers.fields import IdField
from workflows.nominations.choices import DossierState
from workflows.plans.models import PlanState
from workflows.search.selectors import KINDS

#: Every state a plan or a dossier can be in (the ``state`` filter narrows both).
STATES: list[tuple[str, str]] = list(
    dict.fromkeys(
        [(str(value), str(value)) for value in PlanState.values]
        + [(str(value), str(value)) for value in DossierState.values]
    )
)


class KindsField(serializers.ListField):
    """``kind``: repeated (``kind=document&kind=dossier``) or a comma list (``kind=a,b``)."""

    def get_value(self, dictionary: Any) -> Any:
        if isinstance(dictionary, QueryDict) and self.field_name in dictionary:
            return [
                part.strip()
                for value in dictionary.getlist(self.field_name)
                for part in value.split(",")
                if part.strip()
            ]
        return super().get_value(dictionary)


class SearchQuerySerializer(serializers.Serializer[Any]):
    """The query string of ``GET /api/search/``."""

    q = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text=_(
            "The words, số and ký hiệu to find, with or without accents (e.g. "
            "'gia dinh van hoa', '01/KH-BCĐ'). Blank or punctuation only: no results."
        ),
    )
    kind = KindsField(
        child=serializers.ChoiceField(choices=KINDS),
        required=False,
        help_text=_("Only these kinds: repeat the parameter or separate them with commas."),
    )
    document_kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=DocumentKind.objects.all(),
        required=False,
        help_text=_("Only documents of this kind (its code)."),
    )
    agency = IdField(
        required=False,
        help_text=_(
            "Only what this unit or a unit under it issued, proposed or decided (the id of a "
            "unit you may read, see /api/units/)."
        ),
    )
    signer = IdField(required=False, help_text=_("Only what this user signed (a user id)."))
    state = serializers.ChoiceField(
        choices=STATES, required=False, help_text=_("Only plans or dossiers in this state.")
    )
    year = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, help_text=_("Only of this year.")
    )
    date_from = serializers.DateField(required=False, help_text=_("Dated on or after this day."))
    date_to = serializers.DateField(required=False, help_text=_("Dated on or before this day."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("The end of the period is before its beginning.")]}
            )
        return attrs


class SearchResultSerializer(serializers.Serializer[Any]):
    """One hit: what it is, its number, its trích yếu with the matched words marked."""

    kind = serializers.ChoiceField(
        choices=KINDS, help_text=_("document, dossier or household (a decision is a dossier).")
    )
    kind_label = serializers.CharField()
    id = serializers.IntegerField(help_text=_("The id of the document, dossier or household."))
    label = serializers.CharField(help_text=_("What it is, e.g. 'Kế hoạch'."))
    symbol = serializers.CharField(help_text=_("Số and ký hiệu, blank until numbered."))
    subject = serializers.CharField(help_text=_("Trích yếu (or the household's name), plain text."))
    subject_html = serializers.CharField(
        help_text=_("The subject as HTML, the matched words in <mark>.")
    )
    snippet_html = serializers.CharField(
        help_text=_("A passage of the text around the matched words, HTML with <mark>.")
    )
    state = serializers.CharField(help_text=_("The state's code (blank for a household)."))
    state_label = serializers.CharField()
    unit = serializers.CharField(help_text=_("The issuing or deciding unit, or the village."))
    date = serializers.DateField(allow_null=True)
    details = serializers.ListField(
        child=serializers.CharField(), help_text=_("A household's titles and years.")
    )
    exact = serializers.BooleanField(help_text=_("The số/ký hiệu searched for is this one."))
    url = serializers.CharField(allow_blank=True, help_text=_("The page on the site."))
    api_url = serializers.CharField(
        allow_null=True,
        help_text=_("The plan or dossier in this API, when there is one you may open."),
    )


class SearchFacetsSerializer(serializers.Serializer[Any]):
    """How many hits of each kind, among what the user may read."""

    document = serializers.IntegerField()
    decision = serializers.IntegerField(help_text=_("Dossiers with a numbered decision."))
    dossier = serializers.IntegerField()
    household = serializers.IntegerField()


class SearchPageSerializer(serializers.Serializer[Any]):
    """One page of hits, best first."""

    count = serializers.IntegerField()
    count_exact = serializers.BooleanField(
        help_text=_("False when there are more hits than `count` (each kind counted up to a cap).")
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    facets = SearchFacetsSerializer()
    results = SearchResultSerializer(many=True)
