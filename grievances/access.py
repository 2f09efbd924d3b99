"""The access gate: what a user may do with a grievance, or in an office. The one home of
"who may do what" — views, services, selectors, the API and dashboards all ask here.

    staff = staff_access_for(user)            # who the user is, once per request
    staff.reads_everything                    # national staff and superusers read every office
    staff.may_write                           # national staff never write (superusers do)
    staff.readable_office_ids()               # None = every office
    staff.appeal_office_ids()                 # offices where the user is GRO or head
    staff.sees_contact_filter()               # whose contact the user sees (search by name)

    access = access_for(user, grievance)      # GrievanceAccess, immutable
    access.may_read / .may_act / .may_manage / .sees_contact
    access.ensure_may_act()                   # PermissionDenied, with the reason, if not
    access.ensure_may_manage()

    office_access_for(user, office)           # the same, for work in an office (a new entry)

    limit_access(user, office_ids=[...], reads_everything=False)   # an API key's bounds

The rules:
- read: members of the grievance's office; national staff and superusers every grievance; the
  GRO or head of the appeal officer's office (the parent office) reads the grievances escalated
  to it (DESIGN.md §5.4, level 3) — read only.
- act (change anything): superusers; members of the office, unless they are national staff.
- manage (assign others' work, transfer, close after the citizen's time): act, as the office's
  GRO or head; superusers.
- the citizen's full contact: superusers and the office's GRO or head; everyone else a masked one.

The user's memberships are fetched once, on first need, and kept on the user object (like
Django's permission cache), so one request asks the database once however often it asks here.
Callers that change memberships and go on with the same user object call `forget_access`.
Reading another office's grievance is the selectors' 404; a forbidden action on a readable
grievance is a 403 (PermissionDenied).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from grievances.escalation import APPEAL_OFFICE_LEVEL
from grievances.models import Grievance
from offices.models import Office, OfficeMembership, OfficeRole

# The roles that run an office: they hand out work, transfer, close and see the contact.
MANAGING_ROLES = frozenset({OfficeRole.GRO, OfficeRole.HEAD})

_CACHE_ATTR = "_grievance_staff_access"


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """Who the user is in the offices: their roles (office id → role) and their standing."""

    is_authenticated: bool
    is_superuser: bool
    is_national: bool
    roles: Mapping[int, str]
    # Limited to `roles` even for national staff (an API key naming offices: `limit_access`).
    office_scoped: bool = False

    @property
    def reads_everything(self) -> bool:
        return (
            self.is_authenticated
            and not self.office_scoped
            and (self.is_national or self.is_superuser)
        )

    @property
    def may_write(self) -> bool:
        """National staff read everything and change nothing; superusers do both."""
        return self.is_authenticated and (self.is_superuser or not self.is_national)

    def ensure_may_write(self) -> None:
        if not self.may_write:
            raise PermissionDenied(_("National viewers can read but not change grievances."))

    def readable_office_ids(self) -> list[int] | None:
        """The offices whose grievances the user reads; None means every office."""
        return None if self.reads_everything else sorted(self.roles)

    def appeal_office_ids(self) -> list[int]:
        """Offices where the user is GRO or head: they read what is escalated to them."""
        return sorted(pk for pk, role in self.roles.items() if role in MANAGING_ROLES)

    def sees_contact_in(self, office_id: int) -> bool:
        """The citizen's full contact (phone, e-mail, name for search): superusers and the
        office's GRO or head."""
        return self.is_superuser or self.roles.get(office_id) in MANAGING_ROLES

    def sees_contact_filter(self) -> Q | None:
        """`sees_contact_in` as a filter on grievances: Q() for all, None for none."""
        if self.is_superuser:
            return Q()
        managed = self.appeal_office_ids()
        return Q(office_id__in=managed) if managed else None

    def has_own_work(self) -> bool:
        """Whether work is handed to the user in an office ("Mine", "Assigned to"): not for
        national viewers or superusers without an office."""
        return bool(self.roles) and not self.is_national

    def escalated_to_me(self) -> Q | None:
        """The appeal-office read rule as a filter: grievances of the offices under the ones
        the user runs, escalated to the appeal officer (DESIGN.md §5.4, level 3). None: none."""
        appeal_offices = self.appeal_office_ids()
        if not appeal_offices:
            return None
        return Q(office__parent_id__in=appeal_offices, escalation_level__gte=APPEAL_OFFICE_LEVEL)

    def in_office(self, office_id: int) -> "GrievanceAccess":
        """What the user may do with a grievance of this office (or a new one in it)."""
        role = self.roles.get(office_id)
        member = role is not None
        manager = role in MANAGING_ROLES
        return GrievanceAccess(
            office_id=office_id,
            role=role,
            may_read=self.reads_everything or member,
            may_act=self.is_superuser or (self.may_write and member),
            may_manage=self.is_superuser or (self.may_write and manager),
            sees_contact=self.sees_contact_in(office_id),
            is_national=self.is_national and not self.is_superuser,
            reads_as_appeal_office=False,
        )


@dataclass(frozen=True, slots=True)
class GrievanceAccess:
    """What one user may do with one grievance (or in one office)."""

    office_id: int
    role: str | None  # the user's role in the office, if they work there
    may_read: bool
    may_act: bool  # change anything: status, notes, replies, category, ...
    may_manage: bool  # assign others, transfer, close after the citizen's time
    sees_contact: bool  # the citizen's phone and e-mail unmasked
    is_national: bool
    reads_as_appeal_office: bool  # reads it only because it was escalated to their office

    def ensure_may_act(self) -> None:
        """403 with the reason, for a user who may not change this grievance."""
        if self.may_act:
            return
        if self.is_national:
            raise PermissionDenied(_("National viewers can read but not change grievances."))
        if self.reads_as_appeal_office:
            raise PermissionDenied(_("This grievance belongs to another office: you can read it."))
        raise PermissionDenied(_("You do not work in this grievance's office."))

    def ensure_may_manage(self) -> None:
        self.ensure_may_act()
        if not self.may_manage:
            raise PermissionDenied(_("Only the office's GRO or head may do this."))


_NOBODY = StaffAccess(is_authenticated=False, is_superuser=False, is_national=False, roles={})


def staff_access_for(user: User | AnonymousUser) -> StaffAccess:
    """The user's standing and office roles, read once per user object."""
    if not user.is_authenticated:
        return _NOBODY
    cached: StaffAccess | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        # A superuser may do everything everywhere: their roles change nothing.
        roles = (
            {}
            if user.is_superuser
            else dict(OfficeMembership.objects.filter(user=user).values_list("office_id", "role"))
        )
        cached = StaffAccess(
            is_authenticated=True,
            is_superuser=user.is_superuser,
            is_national=user.is_national,
            roles=roles,
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def limit_access(
    user: User, *, office_ids: Iterable[int], reads_everything: bool = False
) -> StaffAccess:
    """Narrow what `user` may do, for the rest of this user object's life, to an API key's
    bounds: never more than the user has. With `reads_everything` (a national viewer's read
    key) every office is read and nothing changed; otherwise only the named offices among the
    user's own, in the user's role there (a superuser's key acts as the head of each), and
    national staff still change nothing."""
    full = staff_access_for(user)
    limited: StaffAccess
    if reads_everything and full.reads_everything:
        limited = StaffAccess(is_authenticated=True, is_superuser=False, is_national=True, roles={})
    else:
        wanted = set(office_ids)
        roles = (
            dict.fromkeys(wanted, str(OfficeRole.HEAD))
            if full.is_superuser
            else {pk: role for pk, role in full.roles.items() if pk in wanted}
        )
        limited = StaffAccess(
            is_authenticated=True,
            is_superuser=False,
            is_national=full.is_national,
            roles=roles,
            office_scoped=True,
        )
    setattr(user, _CACHE_ATTR, limited)
    return limited


def forget_access(user: User | AnonymousUser) -> None:
    """Drop the cached memberships (after changing them while holding this user object)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def office_access_for(user: User | AnonymousUser, office: Office) -> GrievanceAccess:
    """What `user` may do in `office`: record a new complaint there, for instance."""
    return staff_access_for(user).in_office(office.pk)


def access_for(user: User | AnonymousUser, grievance: Grievance) -> GrievanceAccess:
    """What `user` may do with `grievance`. Only a refusal by office reads the office row
    (the appeal rule needs its parent): select_related("office") makes even that free."""
    staff = staff_access_for(user)
    access = staff.in_office(grievance.office_id)
    if access.may_read or grievance.escalation_level < APPEAL_OFFICE_LEVEL:
        return access
    # The same rule as `StaffAccess.escalated_to_me`, for one grievance.
    if grievance.office.parent_id in staff.appeal_office_ids():
        return GrievanceAccess(
            office_id=access.office_id,
            role=access.role,
            may_read=True,
            may_act=False,
            may_manage=False,
            sees_contact=False,
            is_national=access.is_national,
            reads_as_appeal_office=True,
        )
    return access
