"""Forms of the park services page."""

from config.forms import DateInput, RoundTripModelForm

from .models import ParkService


class ParkServiceForm(RoundTripModelForm):
    """A park service's fields as its park's administrators keep them (the park is the page's)."""

    class Meta(RoundTripModelForm.Meta):
        model = ParkService
        fields = ["kind", "title", "description", "contact", "offered_from", "offered_until", "public"]
        widgets = {"offered_from": DateInput(), "offered_until": DateInput()}
