"""Two draws of one campaign at the same moment (the button twice, the button and the command):
exactly one draws, the other is refused, and the places are given once."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.activities import lottery
from ent_lite.activities.models import Activity, Campaign, Registration, RegistrationStatus
from ent_lite.extensions import db
from tests.activities.lottery_factories import ask, lottery_campaign, more_families
from tests.concurrency import at_once

DRAWS = 4


def test_concurrent_draws_draw_once(app, aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(2,))
    for guardian, child in more_families(aw, 5):
        ask(campaign, guardian, child, [stay], now)
    campaign_id, closes = campaign.id, campaign.closes_dt

    def draw(n: int):
        with app.app_context():  # its own session and connection
            try:
                result = lottery.draw(db.session.get(Campaign, campaign_id), closes, seed=f"seed-{n}")
                db.session.commit()
                return result.seed
            except lottery.DrawRefused:
                db.session.rollback()
                return None
            finally:
                db.session.remove()

    outcomes = at_once([lambda n=n: draw(n) for n in range(DRAWS)])
    drawn = [seed for seed in outcomes if seed is not None]
    refused = [seed for seed in outcomes if seed is None]
    assert len(drawn) == 1 and len(refused) == DRAWS - 1
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).seed == drawn[0]  # the seed published is the winner's
    confirmed = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.status == RegistrationStatus.CONFIRMED))
    assert confirmed == 2 and db.session.get(Activity, stay.id).places_taken == 2
