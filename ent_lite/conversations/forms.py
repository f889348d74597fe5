"""Forms of the conversations. Choices are offered per request from the rules; a value that
was not offered (a forged form) is refused with a translated message and nothing is written."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ent_lite.conversations.services import MAX_MESSAGE_LENGTH, MAX_SUBJECT_LENGTH
from ent_lite.files.forms import FilesField
from ent_lite.rules import ServiceContact


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Write the message.")),
            Length(max=MAX_MESSAGE_LENGTH, message=_l("The message can have at most %(max)d characters.")),
        ],
    )
    files = FilesField()


class NewThreadForm(ReplyForm):
    subject = StringField(
        _l("Subject"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Give the conversation a subject.")),
            Length(max=MAX_SUBJECT_LENGTH, message=_l("The subject can have at most %(max)d characters.")),
        ],
    )


class FamilyThreadForm(NewThreadForm):
    """A guardian writes about one of their children to the team or one staff member, or to a
    city service (then optionally about one of their children)."""

    recipient = RadioField(_l("Write to"), choices=[], validate_choice=False)
    about = SelectField(_l("About (optional)"), choices=[], validate_choice=False)

    def offer(self, contacts, children=()) -> None:
        """``contacts``: ThreadContact and ServiceContact list from the rules; ``children``: the
        guardian's current children, offered for a message to a city service."""
        self.allowed = {self.token(c): c for c in contacts}
        self.children = {child.public_id: child for child in children}
        self.recipient.choices = [(token, token) for token in self.allowed]
        self.about.choices = [("", _("Not about a particular child"))] + [
            (ref, child.first_name) for ref, child in self.children.items()]
        if len(self.allowed) == 1 and not self.recipient.data:
            self.recipient.data = next(iter(self.allowed))

    @staticmethod
    def token(contact) -> str:
        if isinstance(contact, ServiceContact):
            return f"service.{contact.establishment_public_id}"
        return f"{contact.child_public_id}.{contact.establishment_public_id}.{contact.user_public_id or 'team'}"

    def chosen(self):
        return self.allowed[self.recipient.data]

    def chosen_child(self):
        """The child a message to a city service is about, or None."""
        return self.children.get(self.about.data or "")

    def recipient_groups(self):
        """[(child and establishment contact, [(radio, contact)])]: one group per child and place."""
        groups: dict[tuple[int, int], tuple] = {}
        for option in self.recipient:
            contact = self.allowed[option.data]
            if not isinstance(contact, ServiceContact):
                groups.setdefault((contact.child_id, contact.establishment_id), (contact, []))[1].append((option, contact))
        return list(groups.values())

    def service_options(self):
        """[(radio, ServiceContact)]: the city services, listed after the school contacts."""
        return [(option, self.allowed[option.data]) for option in self.recipient
                if isinstance(self.allowed[option.data], ServiceContact)]

    def validate_recipient(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Choose whom to write to."))
        if field.data not in self.allowed:
            raise ValidationError(_("Choose among the people listed."))

    def validate_about(self, field) -> None:
        if field.data and field.data not in self.children:
            raise ValidationError(_("Choose among the children listed."))


class ChildThreadForm(NewThreadForm):
    """Staff write to the family of a child they teach or look after."""

    child = SelectField(_l("Pupil"), choices=[], validate_choice=False)

    def offer(self, groups) -> None:
        """``groups``: (group, establishment, children) from services.children_for_staff."""
        self.allowed = {}
        for _group, establishment, children in groups:
            for child in children:
                self.allowed.setdefault(self.token(child, establishment), (child, establishment))
        self.child.choices = [(token, token) for token in self.allowed]

    @staticmethod
    def token(child, establishment) -> str:
        return f"{child.public_id}.{establishment.public_id}"

    def chosen(self):
        return self.allowed[self.child.data]

    def validate_child(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Choose a pupil."))
        if field.data not in self.allowed:
            raise ValidationError(_("Choose among the pupils listed."))


class StaffThreadForm(NewThreadForm):
    """A conversation between colleagues of one establishment."""

    members = SelectMultipleField(
        _l("Colleagues"),
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def offer(self, colleagues) -> None:
        """``colleagues``: (establishment, people) from rules.colleagues_of."""
        self.allowed = {
            f"{establishment.public_id}.{person.public_id}": (establishment, person)
            for establishment, people in colleagues for person in people
        }
        self.members.choices = [(token, token) for token in self.allowed]

    def member_groups(self):
        """[(establishment, [(checkbox, person)])] in the order offered."""
        groups: dict[int, tuple] = {}
        for option in self.members:
            establishment, person = self.allowed[option.data]
            groups.setdefault(establishment.id, (establishment, []))[1].append((option, person))
        return list(groups.values())

    def chosen(self):
        """(establishment, [people]) once validated."""
        picked = [self.allowed[token] for token in dict.fromkeys(self.members.data or [])]
        return picked[0][0], [person for _, person in picked]

    def validate_members(self, field) -> None:
        tokens = field.data or []
        if not tokens:
            raise ValidationError(_("Choose at least one colleague."))
        if any(token not in self.allowed for token in tokens):
            raise ValidationError(_("Choose among the colleagues listed."))
        if len({self.allowed[token][0].id for token in tokens}) > 1:
            raise ValidationError(_("Choose colleagues of one establishment at a time."))


class AgentThreadForm(NewThreadForm):
    """A city agent writes to the family of one child from one of their services' inboxes."""

    service = RadioField(_l("Write from"), choices=[], validate_choice=False)

    def offer(self, services) -> None:
        """``services``: the agent's services the child has a relationship with (Establishment)."""
        self.allowed = {service.public_id: service for service in services}
        self.service.choices = [(ref, ref) for ref in self.allowed]
        if len(self.allowed) == 1 and not self.service.data:
            self.service.data = next(iter(self.allowed))

    def service_options(self):
        """[(radio, service)] in the order offered."""
        return [(option, self.allowed[option.data]) for option in self.service]

    def chosen(self):
        return self.allowed[self.service.data]

    def validate_service(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Choose the service you write from."))
        if field.data not in self.allowed:
            raise ValidationError(_("Choose among the services listed."))
