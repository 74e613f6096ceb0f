"""Schema upgrades keep what people entered."""
import json

from playhouse.migrations import Runner

from models import Conversation, bind, database
from models.db import MIGRATIONS_DIR


def test_the_conversations_json_state_moves_into_columns(tmp_path):
    bind(f"sqlite:///{tmp_path / 'old.db'}")
    with database.connection_context():
        runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
        runner.up("0001_initial")
        for sql in (
            "INSERT INTO org (code, name, type, size_class, tags, area, active) "
            "VALUES ('O1', '哲学学院', '学院', '党委', '[]', '', 1)",
            "INSERT INTO person (userid, name, roles, org_id, area) VALUES ('sec01', '张书记', '[]', 1, '')",
            "INSERT INTO report (org_id, period, status, late, created_at) "
            "VALUES (1, '2026-11', 'open', 0, '2026-11-05')",
            "INSERT INTO feedback (report_id, kind, text, created_at) "
            "VALUES (1, 'difficulty', '经费紧张', '2026-11-06')",
        ):
            database.execute_sql(sql)
        states = [("amount", {"status": "in_progress", "skipped": [2], "return_to": "summary"}),
                  ("department", {"kind": "difficulty", "feedback": 1}),
                  ("reason", {})]
        for number, (step, data) in enumerate(states, 1):
            database.execute_sql("INSERT INTO person (userid, name, roles, org_id, area) "
                                 "VALUES (?, '代填', '[]', 1, '')", (f"dep{number}",))
            database.execute_sql(
                "INSERT INTO conversation (person_id, report_id, step, position, paused, data, updated_at) "
                "VALUES (?, 1, ?, 3, 0, ?, '2026-11-06')", (number + 1, step, json.dumps(data)))
        assert runner.up("0002_typed_conversation") == ["0002_typed_conversation"]
        rows = [(c.step, c.pending_status, c.skipped, c.return_to, c.feedback_kind, c.feedback_id)
                for c in Conversation.select(Conversation.id, Conversation.step, Conversation.pending_status,
                                             Conversation.skipped, Conversation.return_to, Conversation.feedback_kind,
                                             Conversation.feedback).order_by(Conversation.id)]
    assert rows == [("amount", "in_progress", [2], "summary", None, None),
                    ("department", None, [], None, "difficulty", 1),
                    ("reason", "not_applicable", [], None, None, None)]
