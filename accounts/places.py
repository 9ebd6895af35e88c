"""The official 2025 list of provinces and communes, from the vietnam-provinces package."""

from __future__ import annotations

from typing import Any

from vietnam_provinces import Province as OfficialProvince
from vietnam_provinces import Ward as OfficialWard

from accounts.text import vietnamese_sort_key

_PREFIXES = ("Thành phố ", "Tỉnh ")


def short_province_name(name: str) -> str:
    """ "Lào Cai" for "Tỉnh Lào Cai", "Hà Nội" for "Thành phố Hà Nội"."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def sync_places(province_model: Any, commune_model: Any) -> tuple[int, int]:
    """Create or update every province and commune; safe to run again. Returns the counts.

    Takes the model classes so that a data migration can pass its historical models.
    """
    # A data migration older than the sort_key columns passes models without them.
    sorted_names = any(f.name == "sort_key" for f in province_model._meta.get_fields())
    provinces = {p.code: p for p in province_model.objects.all()}
    for official in OfficialProvince.iter_all():
        code = int(official.code)
        values = {
            "name": official.name,
            "short_name": short_province_name(official.name),
            "codename": official.codename,
            "division_type": str(official.division_type),
        }
        if sorted_names:
            values["sort_key"] = vietnamese_sort_key(values["short_name"])
        current = provinces.get(code)
        if current is None:
            provinces[code] = province_model.objects.create(code=code, **values)
        elif any(getattr(current, k) != v for k, v in values.items()):
            province_model.objects.filter(pk=current.pk).update(**values)

    existing = {c.code: c for c in commune_model.objects.all()}
    new, changed = [], []
    for ward in OfficialWard.iter_all():
        code = int(ward.code)
        values = {
            "name": ward.name,
            "codename": ward.codename,
            "division_type": str(ward.division_type),
            "province_id": provinces[int(ward.province_code)].pk,
        }
        if sorted_names:
            values["sort_key"] = vietnamese_sort_key(ward.name)
        current = existing.get(code)
        if current is None:
            new.append(commune_model(code=code, **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            changed.append(current)
    commune_model.objects.bulk_create(new, batch_size=500)
    commune_model.objects.bulk_update(
        changed,
        ["name", "codename", "division_type", "province_id"]
        + (["sort_key"] if sorted_names else []),
        batch_size=500,
    )
    return province_model.objects.count(), commune_model.objects.count()
