"""Typed values of a valid activity (tests of the manage part): the service's input and the form's."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ent_lite.activities.manage import ActivityInput, SessionInput
from ent_lite.core.localtime import local_to_utc, to_local

def first_day(now: datetime) -> date:
    return (to_local(now) + timedelta(days=30)).date()


def valid_input(aw, now: datetime, **changes) -> ActivityInput:
    day = first_day(now)
    data = ActivityInput(
        title="Judo", description="Judo pour les 6-8 ans.", category="sport",
        establishment_id=aw.service.id, place="Gymnase du Parc",
        sessions=[SessionInput(day, time(14, 0), time(16, 0)),
                  SessionInput(day + timedelta(days=7), time(14, 0), time(16, 0))],
        min_age=6, max_age=8, levels=["CP", "CE1"], capacity=12, mode="first_come",
        opens_dt=now - timedelta(days=1), closes_dt=now + timedelta(days=10),
        cancel_until_dt=local_to_utc(day - timedelta(days=2), time(12, 0)), offer_hours=48,
        documents="Certificat médical", prices={b.id: cents for b, cents in zip(aw.brackets, (0, 500, 1000))})
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def form_data(aw, now: datetime, **changes) -> dict:
    day = first_day(now)
    opens, closes = to_local(now - timedelta(days=1)), to_local(now + timedelta(days=10))
    data = {
        "title": "Judo", "description": "Judo pour les 6-8 ans.", "category": "sport",
        "place": "Gymnase du Parc",
        "sessions-0-day": day.isoformat(), "sessions-0-starts": "14:00", "sessions-0-ends": "16:00",
        "sessions-1-day": "", "sessions-1-starts": "", "sessions-1-ends": "",
        "sessions-2-day": "", "sessions-2-starts": "", "sessions-2-ends": "",
        "min_age": "6", "max_age": "8", "levels": ["CP", "CE1"], "capacity": "12", "mode": "first_come",
        "campaign": "", "opens_date": opens.date().isoformat(), "opens_time": "08:00",
        "closes_date": closes.date().isoformat(), "closes_time": "20:00",
        "cancel_date": (day - timedelta(days=2)).isoformat(), "cancel_time": "12:00",
        "offer_hours": "48", "documents": "Certificat médical",
        "prices-0-amount": "0", "prices-1-amount": "5", "prices-2-amount": "10,50",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
