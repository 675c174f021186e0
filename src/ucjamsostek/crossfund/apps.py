from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrossfundConfig(AppConfig):
    name = "ucjamsostek.crossfund"
    label = "crossfund"
    verbose_name = _("Dana ganda antarsumber")
