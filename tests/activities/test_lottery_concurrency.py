"""Two draws of one campaign at the same moment (the button twice, the button and the command):
exactly one draws, the other is refused, and the places are given once."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from ent_lite.activities import lottery
from ent_lite.activities.models import Activity, Campaign, Registration, RegistrationStatus
from ent_lite.extensions import db
from tests.activities.lottery_factories import ask, lottery_campaign, more_families

DRAWS = 4


def test_concurrent_draws_draw_once(app, aw):
    campaign, (stay,), now = lottery_campaign(aw, capacities=(2,))
    for guardian, child in more_families(aw, 5):
        ask(campaign, guardian, child, [stay], now)
    campaign_id, closes = campaign.id, campaign.closes_dt
    start = threading.Barrier(DRAWS)
    drawn, refused, errors = [], [], []

    def draw(n: int) -> None:
        with app.app_context():  # its own session and connection
            try:
                mine = db.session.get(Campaign, campaign_id)
                start.wait()
                result = lottery.draw(mine, closes, seed=f"seed-{n}")
                db.session.commit()
                drawn.append(result.seed)
            except lottery.DrawRefused:
                db.session.rollback()
                refused.append(n)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=draw, args=(n,)) for n in range(DRAWS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(drawn) == 1 and len(refused) == DRAWS - 1
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).seed == drawn[0]  # the seed published is the winner's
    confirmed = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.status == RegistrationStatus.CONFIRMED))
    assert confirmed == 2 and db.session.get(Activity, stay.id).places_taken == 2
