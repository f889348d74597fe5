"""Conversations and the agenda of the generated school year, written in bulk.

- Threads about a child between its teacher and its family (about one for two children over
  the year), started by either side; a guardian's is addressed to the teacher (a
  ``ThreadMember``), as ``conversations.services.start_child_thread`` writes it. A few
  families write to the city service's shared inbox (``guardian_id`` set, no child). Each
  writer has read the thread up to its last message.
- Events: the city's school holidays (public, for every family), each school's meetings and
  feasts, an outing per class; dates in the school year, shown from three weeks before.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

from ent_lite.agenda.models import Event, EventAudience, EventCategory
from ent_lite.audience.keys import ALL_KEY, establishment_key, group_key
from ent_lite.conversations.models import Message, Thread, ThreadMember, ThreadRead
from ent_lite.core.db_types import new_public_id
from ent_lite.generator import names
from ent_lite.generator.bulk import Writer, bulk
from ent_lite.generator.people import Built
from ent_lite.generator.year import SchoolYear

THREADS_PER_CHILD = 0.5
SERVICE_THREADS_PER_FAMILY = 0.02
MAX_MESSAGES = 4


class Exchanges:
    def __init__(self, built: Built, year: SchoolYear, rng: random.Random):
        self.built, self.year, self.now, self.start, self.rng = built, year, year.now, year.start, rng
        self.messages, self.members, self.reads = Writer(Message), Writer(ThreadMember), Writer(ThreadRead)
        self.threads = 0

    def write(self) -> dict[str, int]:
        for school in self.built.schools:
            for klass in school.classes:
                count = round(len(klass.children) * THREADS_PER_CHILD)
                self.threads_with(school.id, [(self.rng.choice(klass.children), klass.teacher_id) for _ in range(count)])
        families = self.built.families
        count = round(len(families) * SERVICE_THREADS_PER_FAMILY)
        self.threads_with(self.built.service_id, [(None, self.rng.choice(self.built.agents)) for _ in range(count)],
                          [self.rng.choice(families).guardians[0] for _ in range(count)])
        for writer in (self.messages, self.members, self.reads):
            writer.flush()
        return {"threads": self.threads, "messages": self.messages.count, **self.events()}

    def threads_with(self, establishment_id: int, pairs, service_guardians=None) -> None:
        """Threads of ``(child, staff member)`` pairs; with ``service_guardians``, service
        threads of those guardians instead of child threads."""
        rng, rows, talks = self.rng, [], []
        for n, (child, staff) in enumerate(pairs):
            if service_guardians is None:
                guardian = self.built.families[self.built.family_of_child[child]].guardians[0]
                by_family = rng.random() < 0.6
            else:
                guardian, by_family = service_guardians[n], True
            at = self.start + timedelta(minutes=rng.randrange(int((self.now - self.start).total_seconds() // 60)))
            writers = [guardian, staff] if by_family else [staff, guardian]
            times = [at]
            for _ in range(rng.randrange(MAX_MESSAGES)):
                later = times[-1] + timedelta(minutes=rng.randrange(20, 1440))
                if later >= self.now:
                    break
                times.append(later)
            rows.append({"public_id": new_public_id(), "establishment_id": establishment_id, "child_id": child,
                         "guardian_id": guardian if service_guardians is not None else None,
                         "subject": rng.choice(names.THREAD_SUBJECTS), "started_by_id": writers[0],
                         "created_dt": at, "last_message_dt": times[-1]})
            talks.append((writers, times, by_family and service_guardians is None))
        ids = bulk(Thread, rows)
        self.threads += len(ids)
        for thread_id, (writers, times, addressed) in zip(ids, talks):
            if addressed:
                self.members.add({"thread_id": thread_id, "user_id": writers[1]})
            for n, moment in enumerate(times):
                self.messages.add({"public_id": new_public_id(), "thread_id": thread_id, "author_id": writers[n % 2],
                                   "body": rng.choice(names.MESSAGES), "created_dt": moment})
            for user_id in set(writers[:len(times)]):
                self.reads.add({"thread_id": thread_id, "user_id": user_id, "last_read_dt": times[-1]})

    def events(self) -> dict[str, int]:
        built, rng = self.built, self.rng
        rows, keys = [], []

        def add(establishment_id, author_id, key, title, category, day, length=0, at=None, public=False):
            shown = datetime.combine(day - timedelta(days=21), time(8), tzinfo=timezone.utc)
            shown = max(self.start, min(shown, self.now - timedelta(hours=1)))
            rows.append({"public_id": new_public_id(), "city_id": built.city_id, "establishment_id": establishment_id,
                         "author_id": author_id, "category": category, "title": title, "place": "",
                         "start_date": day, "start_time": at, "end_date": day + timedelta(days=length) if length else None,
                         "is_public": public, "published_dt": shown, "created_dt": shown, "updated_dt": shown,
                         "sequence": 0})
            keys.append(key)

        for title, first, last in self.year.holidays:
            add(built.service_id, built.agents[0], ALL_KEY, title, EventCategory.HOLIDAY, first, (last - first).days,
                public=True)
        school_days = self.year.school_days()
        for school in built.schools:
            for title, category in names.SCHOOL_EVENTS:
                add(school.id, school.director_id, establishment_key(school.id), title, category, rng.choice(school_days),
                    at=time(17, 30) if category == EventCategory.MEETING else None)
            for klass in school.classes:
                add(school.id, klass.teacher_id, group_key(klass.id), "Sortie de classe", EventCategory.OUTING,
                    rng.choice(school_days), at=time(9))
        event_ids = bulk(Event, rows)
        audience = Writer(EventAudience)
        audience.extend({"event_id": event_id, "kind": kind, "value": value} for event_id, (kind, value) in zip(event_ids, keys))
        audience.flush()
        return {"events": len(event_ids)}
