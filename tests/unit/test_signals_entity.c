/* test_signals_entity.c — Datastar signals read into an entity through its descriptor
 * (starch_signals_read_entity, starch_signals_to_entity): the body or the `datastar`
 * query parameter, "fill what is present" (absent fields keep the entity's values),
 * signal groups, and the error values — bad JSON, a wrong type, a missing group, a wrong
 * method — each naming the signal path and leaving the entity untouched. Run under
 * LeakSanitizer too (the `entity` suite of scripts/run-tests' ASan build). */
#include <criterion/criterion.h>
#include <jansson.h>

#include "leak_check.h"
#include "sample_entities.h"

LEAK_CHECKED_SUITE(signals_entity);

/* POST body → *t in mode; returns the status. */
static int post_mode(Todo *t, const char *group, unsigned mode, const char *body, starch_error *err)
{
    return starch_signals_read_entity(&Todo_type, t, group, mode, "POST", NULL, 0, body,
                                      strlen(body), err);
}

/* POST body → *t, filling what is present (STARCH_READ_MERGE); returns the status. */
static int post(Todo *t, const char *group, const char *body, starch_error *err)
{
    return post_mode(t, group, STARCH_READ_MERGE, body, err);
}

/* A Todo owning a title and a priority, as a page's entity before the signals. */
static void old_todo(Todo *t)
{
    memset(t, 0, sizeof *t);
    t->id = 7;
    t->title = sample_strdup("Old");
    t->priority = 3;
    t->tags_count = 1;
    t->tags = calloc(1, sizeof *t->tags);
    t->tags[0] = sample_strdup("keep");
}

/* Asserts that a failed read of body left old_todo's values, with code and message. */
static void assert_fails(const char *group, const char *body, int code, const char *message)
{
    Todo t, before;
    old_todo(&t);
    old_todo(&before);
    starch_error err;
    cr_assert_eq(post(&t, group, body, &err), code, "%s", body);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.message, message);
    cr_assert(starch_entity_equal(&Todo_type, &t, &before), "the entity changed: %s", body);
    Todo_clear(&t);
    Todo_clear(&before);
}

/* ---- Reading -------------------------------------------------------------------------- */

Test(signals_entity, post_body_fills_the_fields_present)
{
    Todo t = {0};
    starch_error err = {.code = -1, .message = "stale"};
    const char *body = "{\"title\":\"Milk\",\"done\":true,\"filter\":\"all\",\"_local\":1}";
    cr_assert_eq(post(&t, NULL, body, &err), STARCH_OK);
    cr_assert_eq(err.code, STARCH_OK);
    cr_assert_str_eq(err.message, "");
    cr_assert_str_eq(t.title, "Milk");
    cr_assert(t.done);
    cr_assert_eq(t.id, 0);
    cr_assert_eq(t.priority, 0);
    cr_assert_eq(t.tags_count, 0);
    cr_assert_null(t.owner.name);
    Todo_clear(&t);
}

Test(signals_entity, absent_fields_keep_their_values)
{
    Todo t;
    old_todo(&t);
    cr_assert_eq(post(&t, NULL, "{\"done\":true,\"owner\":{\"age\":40}}", NULL), STARCH_OK);
    cr_assert_eq(t.id, 7);
    cr_assert_str_eq(t.title, "Old");
    cr_assert_eq(t.priority, 3);
    cr_assert_eq(t.tags_count, 1);
    cr_assert_str_eq(t.tags[0], "keep");
    cr_assert(t.done);
    cr_assert_eq(t.owner.age, 40); /* nested entities merge too */
    cr_assert_null(t.owner.name);
    Todo_clear(&t);
}

Test(signals_entity, present_fields_replace_arrays_and_strings)
{
    Todo t;
    old_todo(&t);
    cr_assert_eq(post(&t, NULL, "{\"title\":null,\"tags\":[\"a\",\"b\"],\"priority\":2.0}", NULL),
                 STARCH_OK);
    cr_assert_null(t.title); /* null is the empty string */
    cr_assert_eq(t.tags_count, 2);
    cr_assert_str_eq(t.tags[0], "a");
    cr_assert_str_eq(t.tags[1], "b");
    cr_assert_eq(t.priority, 2); /* an integral number is an int */
    Todo_clear(&t);
}

Test(signals_entity, get_and_delete_read_the_query)
{
    Todo t = {0};
    starch_error err;
    const char *q = "x=1&datastar=%7B%22title%22%3A%22a+b%22%2C%22done%22%3Atrue%7D";
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "GET", q,
                                            strlen(q), NULL, 0, &err),
                 STARCH_OK, "%s", err.message);
    cr_assert_str_eq(t.title, "a b");
    cr_assert(t.done);
    q = "datastar={\"done\":false}";
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "DELETE", q,
                                            strlen(q), "{x", 2, &err),
                 STARCH_OK); /* the body of a DELETE is not read */
    cr_assert_str_eq(t.title, "a b");
    cr_assert_not(t.done);
    Todo_clear(&t);
}

Test(signals_entity, put_and_patch_read_the_body)
{
    Todo t = {0};
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "PUT",
                                            "datastar={}", 11, "{\"priority\":5}", 14, NULL),
                 STARCH_OK);
    cr_assert_eq(t.priority, 5);
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "PATCH", NULL,
                                            0, "{\"priority\":6}", 14, NULL),
                 STARCH_OK);
    cr_assert_eq(t.priority, 6);
    Todo_clear(&t);
}

Test(signals_entity, a_group_is_read_from_its_signal_path)
{
    Todo t = {0};
    const char *body = "{\"title\":\"root\",\"draft\":{\"title\":\"draft\",\"done\":true},"
                       "\"form\":{\"todo\":{\"title\":\"deep\",\"priority\":9}}}";
    cr_assert_eq(post(&t, "draft", body, NULL), STARCH_OK);
    cr_assert_str_eq(t.title, "draft");
    cr_assert(t.done);
    cr_assert_eq(post(&t, "form.todo", body, NULL), STARCH_OK);
    cr_assert_str_eq(t.title, "deep");
    cr_assert_eq(t.priority, 9);
    cr_assert(t.done);                                 /* kept */
    cr_assert_eq(post(&t, "", body, NULL), STARCH_OK); /* "" is the root */
    cr_assert_str_eq(t.title, "root");
    Todo_clear(&t);
}

Test(signals_entity, string_keys)
{
    Note n = {0};
    const char *body = "{\"id\":\"n-1\",\"text\":\"hello\",\"pinned\":true}";
    cr_assert_eq(starch_signals_read_entity(&Note_type, &n, NULL, STARCH_READ_MERGE, "POST", NULL,
                                            0, body, strlen(body), NULL),
                 STARCH_OK);
    cr_assert_str_eq(n.id, "n-1");
    cr_assert_str_eq(n.text, "hello");
    cr_assert(n.pinned);
    Note_clear(&n);
}

Test(signals_entity, from_parsed_signals)
{
    json_t *signals = json_loads("{\"draft\":{\"title\":\"x\"}}", 0, NULL);
    Todo t = {0};
    starch_error err;
    cr_assert_eq(
        starch_signals_to_entity(&Todo_type, &t, "draft", STARCH_READ_MERGE, signals, &err),
        STARCH_OK);
    cr_assert_str_eq(t.title, "x");
    cr_assert_eq(signals->refcount, 1); /* borrowed */
    json_decref(signals);
    Todo_clear(&t);
}

/* ---- Errors: the path named, the entity untouched -------------------------------------- */

Test(signals_entity, wrong_type_names_the_signal)
{
    assert_fails(NULL, "{\"title\":\"New\",\"done\":\"yes\"}", STARCH_ETYPE,
                 "done: expected boolean, got string");
    assert_fails(NULL, "{\"title\":3}", STARCH_ETYPE, "title: expected string, got number");
    assert_fails(NULL, "{\"priority\":1.5}", STARCH_ETYPE,
                 "priority: expected integer, got number");
    assert_fails(NULL, "{\"owner\":{\"name\":\"Ada\",\"age\":\"x\"}}", STARCH_ETYPE,
                 "owner.age: expected integer, got string");
    assert_fails(NULL, "{\"tags\":[\"a\",\"b\",2]}", STARCH_ETYPE,
                 "tags[2]: expected string, got number");
    assert_fails(NULL, "{\"owner\":[]}", STARCH_ETYPE, "owner: expected object, got array");
}

Test(signals_entity, wrong_type_in_a_group_names_the_signal)
{
    assert_fails("draft", "{\"draft\":{\"title\":\"New\",\"tags\":[\"a\",2]}}", STARCH_ETYPE,
                 "draft.tags[1]: expected string, got number");
    assert_fails("form.todo", "{\"form\":{\"todo\":{\"owner\":{\"admin\":1}}}}", STARCH_ETYPE,
                 "form.todo.owner.admin: expected boolean, got number");
}

Test(signals_entity, missing_or_wrong_group)
{
    assert_fails("draft", "{\"title\":\"x\"}", STARCH_EMISSING, "draft: missing");
    assert_fails("form.todo", "{\"form\":{}}", STARCH_EMISSING, "form.todo: missing");
    assert_fails("form.todo", "{\"form\":\"x\"}", STARCH_ETYPE,
                 "form: expected object, got string");
    assert_fails("form.todo", "{\"form\":{\"todo\":null}}", STARCH_ETYPE,
                 "form.todo: expected object, got null");
    assert_fails("form..todo", "{\"form\":{\"todo\":{}}}", STARCH_EMISSING, "form.: missing");
    /* an empty segment is missing at the end too (fuzz_signals: regressions/signals-group-
     * trailing-dot) */
    assert_fails("form.", "{\"form\":{\"title\":\"x\"}}", STARCH_EMISSING, "form.: missing");
    assert_fails("form.todo.", "{\"form\":{\"todo\":{}}}", STARCH_EMISSING, "form.todo.: missing");
}

/* The group is the caller's, but the message stays one line (fuzz_signals: regressions/
 * signals-group-message-one-line). */
Test(signals_entity, a_group_with_line_breaks_gives_a_one_line_message)
{
    assert_fails("dr\naft", "{}", STARCH_EMISSING, "dr aft: missing");
    assert_fails("a\tb.c\r", "{\"a\\tb\":[]}", STARCH_ETYPE, "a b: expected object, got array");
    assert_fails("a\tb", "{\"a\\tb\":{\"title\":5}}", STARCH_ETYPE,
                 "a b.title: expected string, got number");
}

Test(signals_entity, bad_json)
{
    assert_fails(NULL, "{\"title\":", STARCH_EJSON,
                 "signals: invalid JSON at line 1, column 9 (byte 9): unexpected token near end "
                 "of file");
    assert_fails(NULL, "", STARCH_EJSON,
                 "signals: invalid JSON at line 1, column 0 (byte 0): unexpected token near end "
                 "of file");
    Todo t = {0};
    starch_error err;
    const char *q = "datastar=%7Btru";
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "GET", q,
                                            strlen(q), NULL, 0, &err),
                 STARCH_EJSON);
    cr_assert_str_eq(err.message,
                     "signals: invalid JSON at line 1, column 4 (byte 4): string or '}' expected "
                     "near 'tru'");
    cr_assert_null(t.title);
}

Test(signals_entity, not_an_object)
{
    assert_fails(NULL, "[1,2]", STARCH_ETYPE, "signals: the signals are not a JSON object");
    assert_fails(NULL, "\"title\"", STARCH_ETYPE, "signals: the signals are not a JSON object");
    json_t *a = json_array();
    Todo t = {0};
    starch_error err;
    cr_assert_eq(starch_signals_to_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, a, &err),
                 STARCH_ETYPE);
    cr_assert_str_eq(err.message, "signals: expected object, got array");
    json_decref(a);
}

Test(signals_entity, missing_parameter_and_wrong_method)
{
    Todo t = {0};
    starch_error err;
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "GET", "a=1",
                                            3, "{}", 2, &err),
                 STARCH_EMISSING);
    cr_assert_str_eq(err.message, "signals: no 'datastar' query parameter");
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, "HEAD", NULL,
                                            0, "{}", 2, &err),
                 STARCH_EINVAL);
    cr_assert_str_eq(err.message,
                     "signals: HTTP method 'HEAD' carries no Datastar signals (GET and DELETE "
                     "send them in the query, POST, PUT and PATCH in the body)");
    cr_assert_eq(starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, NULL, NULL, 0,
                                            NULL, 0, &err),
                 STARCH_EINVAL);
    cr_assert_null(t.title);
}

Test(signals_entity, null_arguments)
{
    Todo t = {0};
    starch_error err;
    cr_assert_eq(post(NULL, NULL, "{}", &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "signals: no entity to read into");
    cr_assert_eq(starch_signals_read_entity(NULL, &t, NULL, STARCH_READ_MERGE, "POST", NULL, 0,
                                            "{}", 2, &err),
                 STARCH_EINVAL);
    cr_assert_eq(starch_signals_to_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, NULL, &err),
                 STARCH_EINVAL);
    cr_assert_str_eq(err.message, "signals: no signals");
    /* err may be NULL on every path */
    cr_assert_eq(post(&t, NULL, "{", NULL), STARCH_EJSON);
    cr_assert_eq(post(&t, "draft", "{}", NULL), STARCH_EMISSING);
    cr_assert_eq(post(&t, NULL, "{\"done\":1}", NULL), STARCH_ETYPE);
    cr_assert_eq(post(&t, "draft", "{\"draft\":1}", NULL), STARCH_ETYPE);
    cr_assert_null(t.title);
}

Test(signals_entity, long_group_paths_are_cut_not_overrun)
{
    char group[400], body[1200];
    memset(group, 'g', sizeof group - 1);
    group[sizeof group - 1] = '\0';
    snprintf(body, sizeof body, "{\"%s\":{\"title\":2}}", group);
    Todo t = {0};
    starch_error err;
    cr_assert_eq(post(&t, group, body, &err), STARCH_ETYPE);
    cr_assert_eq(strlen(err.message), sizeof err.message - 1);
    cr_assert_eq(strncmp(err.message, group, 100), 0);
    cr_assert_eq(post(&t, group, "{}", &err), STARCH_EMISSING);
    cr_assert_eq(strlen(err.message), sizeof err.message - 1);
}

/* ---- Modes ---------------------------------------------------------------------------- */

Test(signals_entity, strict_mode_makes_an_absent_field_an_error_naming_its_path)
{
    Todo t, before;
    old_todo(&t);
    old_todo(&before);
    starch_error err;
    cr_assert_eq(post_mode(&t, "draft", STARCH_READ_STRICT, "{\"draft\":{\"title\":\"x\"}}", &err),
                 STARCH_EMISSING);
    cr_assert_str_eq(err.message, "draft.id: missing");
    cr_assert(starch_entity_equal(&Todo_type, &t, &before));
    cr_assert_eq(post_mode(&t, NULL, STARCH_READ_STRICT, "{\"id\":1,\"title\":\"x\"}", &err),
                 STARCH_EMISSING);
    cr_assert_str_eq(err.message, "done: missing");
    cr_assert(starch_entity_equal(&Todo_type, &t, &before));
    Todo_clear(&t);
    Todo_clear(&before);
}

Test(signals_entity, mode_zero_sets_absent_fields_to_zero)
{
    Todo t;
    old_todo(&t);
    cr_assert_eq(post_mode(&t, NULL, 0, "{\"done\":true}", NULL), STARCH_OK);
    cr_assert(t.done);
    cr_assert_eq(t.id, 0);
    cr_assert_null(t.title);
    cr_assert_eq(t.priority, 0);
    cr_assert_eq(t.tags_count, 0);
    Todo_clear(&t);
}
