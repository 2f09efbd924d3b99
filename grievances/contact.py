"""The citizen's contact as staff see it: GROs and heads in full, officers and national viewers
masked (the gate's `sees_contact`). The officer's page and the API show the same."""

from typing import Any

from grievances.access import GrievanceAccess
from grievances.models import Grievance


def mask_phone(phone: str) -> str:
    return "•" * max(len(phone) - 3, 0) + phone[-3:] if phone else ""


def mask_email(email: str) -> str:
    if "@" not in email:
        return ""
    name, domain = email.split("@", 1)
    return f"{name[:1]}•••@{domain}"


def citizen_contact(access: GrievanceAccess, grievance: Grievance) -> dict[str, Any]:
    full = access.sees_contact
    return {
        "name": grievance.citizen_name,
        "phone": grievance.citizen_phone if full else mask_phone(grievance.citizen_phone),
        "email": grievance.citizen_email if full else mask_email(grievance.citizen_email),
        "masked": not full,
        "is_anonymous": grievance.is_anonymous,
    }
