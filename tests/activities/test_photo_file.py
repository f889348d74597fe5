"""An activity's photo as the catalogue serves it: the photo or its thumbnail, with its type and
length; no photo, an unknown extension or a file gone from storage is no photo."""
from ent_lite.activities import photo_file
from ent_lite.extensions import db
from ent_lite.files.storage import get_storage, new_key
from tests.activities.factories import make_activity


def with_photo(aw, photo_ext="jpg", thumb_ext="webp"):
    activity = make_activity(aw)
    activity.photo_key, activity.photo_thumb_key = new_key(photo_ext), new_key(thumb_ext)
    get_storage().save(activity.photo_key, b"\xff\xd8 the photo")
    get_storage().save(activity.photo_thumb_key, b"RIFF thumb")
    db.session.commit()
    return activity


def test_the_photo_and_its_thumbnail_open_with_their_type_and_length(aw):
    activity = with_photo(aw)
    photo = photo_file.open_photo(activity, thumb=False)
    with photo.stream:
        assert (photo.content_type, photo.extension, photo.size) == ("image/jpeg", "jpg", len(b"\xff\xd8 the photo"))
        assert photo.stream.read() == b"\xff\xd8 the photo"
    thumb = photo_file.open_photo(activity, thumb=True)
    with thumb.stream:
        assert (thumb.content_type, thumb.size) == ("image/webp", len(b"RIFF thumb"))


def test_no_photo_an_unknown_type_or_a_missing_file_is_no_photo(aw):
    assert photo_file.open_photo(make_activity(aw, title="Sans photo"), thumb=False) is None
    activity = with_photo(aw, photo_ext="svg")
    assert photo_file.open_photo(activity, thumb=False) is None
    get_storage().delete(activity.photo_thumb_key)
    assert photo_file.open_photo(activity, thumb=True) is None
