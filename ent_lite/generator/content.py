"""A school year of news, written in bulk: posts per class (about two a week) and per school
(one every two weeks), the periscolaire evening programme and the city's news (monthly), each
with its audience row, as ``posts.services.create_post`` writes them; reads by about 70 % of
the families reached (the second guardian now and then too), signatures of the posts that ask
for one, polls and authorisations with the families' answers.

Posts are published in the school weeks from the year's first day to ``now`` (``year.SchoolYear``). No notification
is written: these posts are history, which families were told about when they appeared.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from ent_lite.audience.keys import ALL_KEY, establishment_key, group_key
from ent_lite.core.db_types import new_public_id
from ent_lite.forms.models import Answer, AnsweredPer, FormKind, PostForm, Question, QuestionKind, Response, YES, NO
from ent_lite.forms.models import respondent_key
from ent_lite.generator import names
from ent_lite.generator.bulk import Writer, bulk
from ent_lite.generator.people import Built, Family
from ent_lite.generator.year import SchoolYear
from ent_lite.posts.body import render_body
from ent_lite.posts.models import Post, PostAudience, PostRead, PostSignature
from ent_lite.school.models import PeriscolaireKind

CLASS_POSTS_PER_WEEK = 2
READ_SHARE = 0.7            # families who open a post
SECOND_READER_SHARE = 0.3   # of those, the second guardian opens it too
ACK_SHARE = 0.1             # class posts asking for a signature
SIGNED_SHARE = 0.8
FORM_SHARE = 0.1            # class posts with a poll or an authorisation
ANSWERED_SHARE = 0.75


class Content:
    def __init__(self, built: Built, year: SchoolYear, rng: random.Random):
        self.built, self.year, self.now, self.rng = built, year, year.now, rng
        self.weeks = len(year.weeks)
        self.bodies = [(text, render_body(text)) for text in names.CLASS_POST_BODIES]
        self.school_body = (names.SCHOOL_POST_BODY, render_body(names.SCHOOL_POST_BODY))
        self.audience, self.reads = Writer(PostAudience), Writer(PostRead)
        self.signatures, self.answers = Writer(PostSignature), Writer(Answer)
        self.posts = self.forms = self.responses = 0

    def moment(self, week: int) -> datetime:
        return self.year.moment(week, self.rng)

    def families_of(self, children) -> list[Family]:
        indexes = dict.fromkeys(self.built.family_of_child[c] for c in children)
        return [self.built.families[i] for i in indexes]

    def write(self) -> dict[str, int]:
        for school in self.built.schools:
            self.school(school)
        for group in self.built.periscolaire:
            if group.kind == PeriscolaireKind.EVENING:
                title, body = names.PERISCOLAIRE_POST
                self.publish(group.animator_id, group.site_id, group_key(group.id), self.families_of(group.children),
                             [(self.moment(w), title, (body, render_body(body))) for w in range(0, self.weeks, 4)])
        title, body = names.CITY_POST
        agents = self.built.agents
        self.publish(agents[0], self.built.service_id, ALL_KEY, self.built.families,
                     [(self.moment(w), title, (body, render_body(body))) for w in range(1, self.weeks, 4)])
        for writer in (self.audience, self.reads, self.signatures, self.answers):
            writer.flush()
        return {"posts": self.posts, "post reads": self.reads.count, "signatures": self.signatures.count,
                "forms": self.forms, "form responses": self.responses}

    def school(self, school) -> None:
        rng = self.rng
        for klass in school.classes:
            families = self.families_of(klass.children)
            specs = []
            for week in range(self.weeks):
                for _ in range(CLASS_POSTS_PER_WEEK):
                    specs.append((self.moment(week), rng.choice(names.CLASS_POST_TITLES), rng.choice(self.bodies)))
            post_ids = self.publish(klass.teacher_id, school.id, group_key(klass.id), families, specs, klass)
            self.forms_for(klass, post_ids)
        specs = [(self.moment(w), names.SCHOOL_POST_TITLES[w // 2 % len(names.SCHOOL_POST_TITLES)], self.school_body)
                 for w in range(0, self.weeks, 2)]
        children = [c for k in school.classes for c in k.children]
        self.publish(school.director_id, school.id, establishment_key(school.id), self.families_of(children), specs)

    def publish(self, author_id, establishment_id, key, families, specs, klass=None) -> list[tuple[int, datetime]]:
        """Posts from one author to one audience; returns (id, published) of each."""
        rng, rows = self.rng, []
        for published, title, (markdown, html) in sorted(specs, key=lambda s: s[0]):
            asks = klass is not None and rng.random() < ACK_SHARE
            rows.append({"public_id": new_public_id(), "author_id": author_id, "establishment_id": establishment_id,
                         "title": title, "body_markdown": markdown, "body_html": html, "created_dt": published,
                         "published_dt": published, "requires_ack": asks,
                         "ack_due_dt": published + timedelta(days=7) if asks else None})
        ids = bulk(Post, rows)
        self.posts += len(ids)
        kind, value = key
        for post_id, row in zip(ids, rows):
            published = row["published_dt"]
            self.audience.add({"post_id": post_id, "kind": kind, "value": value})
            self.read(post_id, published, families)
            if row["requires_ack"]:
                self.sign(post_id, published, klass)
        return [(post_id, row["published_dt"]) for post_id, row in zip(ids, rows)]

    def read(self, post_id: int, published: datetime, families: list[Family]) -> None:
        rng, now = self.rng, self.now
        for family in families:
            if rng.random() >= READ_SHARE:
                continue
            readers = family.guardians[:1]
            if len(family.guardians) > 1 and rng.random() < SECOND_READER_SHARE:
                readers = family.guardians
            for user_id in readers:
                read = published + timedelta(minutes=rng.randrange(30, 2880))
                if read < now:
                    self.reads.add({"post_id": post_id, "user_id": user_id, "read_dt": read})

    def sign(self, post_id: int, published: datetime, klass) -> None:
        for child in klass.children:
            if self.rng.random() < SIGNED_SHARE:
                signed = published + timedelta(minutes=self.rng.randrange(30, 4320))
                if signed < self.now:
                    family = self.built.families[self.built.family_of_child[child]]
                    self.signatures.add({"post_id": post_id, "child_id": child, "user_id": family.guardians[0],
                                         "signed_dt": signed})

    def forms_for(self, klass, posts: list[tuple[int, datetime]]) -> None:
        """A poll or an authorisation on some posts, answered per child (``forms.services``
        numbers questions from 1; an authorisation's first question is the consent)."""
        chosen = [(post_id, published) for post_id, published in posts if self.rng.random() < FORM_SHARE]
        if not chosen:
            return
        kinds = [FormKind.AUTHORISATION if n % 2 else FormKind.POLL for n in range(len(chosen))]
        form_ids = bulk(PostForm, [{"public_id": new_public_id(), "post_id": post_id, "kind": kind,
                                    "answered_per": AnsweredPer.CHILD, "deadline_dt": published + timedelta(days=7),
                                    "created_dt": published} for (post_id, published), kind in zip(chosen, kinds)])
        label, choices = names.POLL
        question_ids = bulk(Question, [
            {"form_id": form_id, "position": 1, "kind": QuestionKind.CONSENT if kind == FormKind.AUTHORISATION
             else QuestionKind.SINGLE, "label": "" if kind == FormKind.AUTHORISATION else label,
             "choices_json": "[]" if kind == FormKind.AUTHORISATION else json.dumps(choices, ensure_ascii=False),
             "is_required": True, "is_health": False} for form_id, kind in zip(form_ids, kinds)])
        self.forms += len(form_ids)
        responses, values = [], []
        for form_id, question_id, kind, (_, published) in zip(form_ids, question_ids, kinds, chosen):
            for child in klass.children:
                answered = published + timedelta(minutes=self.rng.randrange(30, 7 * 1440))
                if self.rng.random() >= ANSWERED_SHARE or answered >= self.now:
                    continue
                family = self.built.families[self.built.family_of_child[child]]
                responses.append({"public_id": new_public_id(), "form_id": form_id, "child_id": child,
                                  "respondent_id": family.guardians[0], "respondent_key": respondent_key(child),
                                  "created_dt": answered, "updated_dt": answered})
                value = (YES if self.rng.random() < 0.9 else NO) if kind == FormKind.AUTHORISATION \
                    else self.rng.choice(choices)
                values.append((question_id, value))
        response_ids = bulk(Response, responses)
        self.responses += len(response_ids)
        self.answers.extend({"response_id": r, "question_id": q, "value": v} for r, (q, v) in zip(response_ids, values))
