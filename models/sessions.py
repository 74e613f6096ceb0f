"""Sign-ins to the pages. The signed cookie is valid for its lifetime whatever happens (Flask keeps
nothing on the server), so it also carries the person's sign-in generation: a logout moves the
generation on, and every cookie given before it, on any browser, is refused from then on.

In the database rather than in Redis: the pages read the database on every request anyway, they go
on working while Redis is away, and a generation lost with a Redis restart would start again at 0
and make the cookies a logout had ended valid again."""
from __future__ import annotations

from peewee import CharField, IntegerField, IntegrityError

from models.db import BaseModel, database


class SignIn(BaseModel):
    userid = CharField(max_length=64, unique=True)      # a config admin may have no Person row: the userid
    generation = IntegerField(default=0)

    @classmethod
    def generation_of(cls, userid: str) -> int:
        """The generation a cookie must carry to be valid now (0 before the person ever logged out)."""
        row = cls.get_or_none(cls.userid == userid)
        return row.generation if row else 0

    @classmethod
    def end(cls, userid: str) -> None:
        """Log out everywhere: no cookie given so far is valid any more."""
        with database.atomic():
            if cls.update(generation=cls.generation + 1).where(cls.userid == userid).execute():
                return
            try:
                with database.atomic():
                    cls.create(userid=userid, generation=1)
            except IntegrityError:          # a logout of another browser made the row first
                cls.update(generation=cls.generation + 1).where(cls.userid == userid).execute()
