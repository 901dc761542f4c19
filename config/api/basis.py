"""The basis every report answer states (its year, how it was chosen, its as-of date, rule set and money unit), as
the API documents it: the reports and the enterprises' self-assessment share it."""

from rest_framework import serializers


class ReportBasisSerializer(serializers.Serializer):
    """What a report answer is: its year, how the year was chosen (`default`: the reporting year, the latest year
    whose filing season has closed; `asked`: the query's), the date its dated figures are read on, the tier rule
    set and the money unit. CSV and XLSX carry the same as a header block above the table."""

    year = serializers.IntegerField()
    year_chosen = serializers.ChoiceField(choices=["default", "asked"])
    as_of = serializers.DateField()
    rule_set = serializers.CharField()
    rule_set_name = serializers.CharField()
    money_unit = serializers.CharField()
    data_version = serializers.IntegerField(
        required=False, help_text="The data version the figures were read at (the reports, read in one snapshot).")
