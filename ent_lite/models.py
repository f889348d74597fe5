"""Import every feature's models so the metadata (and Alembic) sees all tables."""
from ent_lite.activities.models import (  # noqa: F401
    Activity,
    ActivityPrice,
    ActivitySession,
    Attendance,
    BracketDeclaration,
    Campaign,
    LotteryEntry,
    QuotientBracket,
    Registration,
    RegistrationNote,
)
from ent_lite.absences.models import AbsenceNotice, AbsenceReason  # noqa: F401
from ent_lite.agenda.models import CalendarFeed, Event, EventAudience  # noqa: F401
from ent_lite.accounts.models import AccountToken, ActivationCode, Membership, RevokedLogin, Role, User  # noqa: F401
from ent_lite.audience.models import AudienceRule, AudienceRulePart  # noqa: F401
from ent_lite.audit.models import AuditCheckpoint, AuditEntry  # noqa: F401
from ent_lite.consents.models import ConsentRecord  # noqa: F401
from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead  # noqa: F401
from ent_lite.dpo.models import RightsRequest  # noqa: F401
from ent_lite.files.models import Attachment  # noqa: F401
from ent_lite.forms.models import Answer, PostForm, Question, Response  # noqa: F401
from ent_lite.notifications.models import (  # noqa: F401
    Delivery,
    EmailProblem,
    Notification,
    NotificationEvent,
    NotificationPreferences,
    PushSubscription,
    VapidKey,
)
from ent_lite.posts.models import Post, PostAudience, PostPhotoChild, PostRead, PostSignature  # noqa: F401
from ent_lite.school.models import (  # noqa: F401
    Child,
    City,
    Enrolment,
    Establishment,
    Group,
    GuardianLink,
    RosterReview,
)
from ent_lite.privacy.models import RetentionOverride  # noqa: F401
from ent_lite.rights.models import DataExport  # noqa: F401
