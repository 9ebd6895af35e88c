"""Reference lists that the law fixes: the 54 recognised ethnic groups, and the groups that
policies give priority to. Proper names are not translated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The 54 ethnic groups of Vietnam (General Statistics Office list), Kinh first.
ETHNIC_GROUPS: list[tuple[str, str]] = [
    ("kinh", "Kinh"), ("tay", "Tày"), ("thai", "Thái"), ("muong", "Mường"), ("khmer", "Khmer"),
    ("hoa", "Hoa"), ("nung", "Nùng"), ("mong", "Mông"), ("dao", "Dao"), ("gia_rai", "Gia Rai"),
    ("e_de", "Ê Đê"), ("ba_na", "Ba Na"), ("san_chay", "Sán Chay"), ("cham", "Chăm"),
    ("co_ho", "Cơ Ho"), ("xo_dang", "Xơ Đăng"), ("san_diu", "Sán Dìu"), ("hre", "Hrê"),
    ("ra_glai", "Ra Glai"), ("mnong", "Mnông"), ("tho", "Thổ"), ("xtieng", "Xtiêng"),
    ("kho_mu", "Khơ Mú"), ("bru_van_kieu", "Bru - Vân Kiều"), ("co_tu", "Cơ Tu"),
    ("giay", "Giáy"), ("ta_oi", "Tà Ôi"), ("ma", "Mạ"), ("gie_trieng", "Giẻ Triêng"),
    ("co", "Co"), ("cho_ro", "Chơ Ro"), ("xinh_mun", "Xinh Mun"), ("ha_nhi", "Hà Nhì"),
    ("chu_ru", "Chu Ru"), ("lao", "Lào"), ("la_chi", "La Chí"), ("khang", "Kháng"),
    ("phu_la", "Phù Lá"), ("la_hu", "La Hủ"), ("la_ha", "La Ha"), ("pa_then", "Pà Thẻn"),
    ("lu", "Lự"), ("ngai", "Ngái"), ("chut", "Chứt"), ("lo_lo", "Lô Lô"), ("mang", "Mảng"),
    ("co_lao", "Cờ Lao"), ("bo_y", "Bố Y"), ("cong", "Cống"), ("si_la", "Si La"),
    ("pu_peo", "Pu Péo"), ("ro_mam", "Rơ Măm"), ("brau", "Brâu"), ("o_du", "Ơ Đu"),
]  # fmt: skip


class PriorityGroup(models.TextChoices):
    POOR_HOUSEHOLD = "poor", _("Poor household")
    NEAR_POOR_HOUSEHOLD = "near_poor", _("Near-poor household")
    # Decision 90/QD-TTg, sub-project 3 (secondary source, unconfirmed): also covers them.
    NEWLY_OUT_OF_POVERTY = "out_of_poverty", _("Household just out of poverty")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority")
    MERIT_RELATIVE = "merit_relative", _("Relative of a person with merit")
    LAND_RECOVERED = "land_recovered", _("Household whose farmland was recovered")
    DEMOBILISED_SOLDIER = "demobilised", _("Demobilised soldier")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (grade 9)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (grade 12)")
    VOCATIONAL = "vocational", _("Vocational certificate")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")


class JlptLevel(models.TextChoices):
    N5 = "N5", "N5"
    N4 = "N4", "N4"
    N3 = "N3", "N3"
    N2 = "N2", "N2"
    N1 = "N1", "N1"


# Destinations a worker may wish for; replaced by the markets register where it is used.
DESIRED_MARKETS: list[tuple[str, StrOrPromise]] = [
    ("JP", _("Japan")), ("KR", _("Korea")), ("TW", _("Taiwan")), ("DE", _("Germany")),
    ("EU", _("Other European countries")), ("ME", _("Middle East")), ("CN", _("China")),
    ("SG", _("Singapore")), ("OTHER", _("Other")),
]  # fmt: skip
