/* test_entity.c — entities through descriptors: clear, copy, equality, JSON out (strings
 * with every flag, numbers, entities) and JSON in (round trips, bad JSON, wrong types,
 * missing fields in the three modes, target untouched on error). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>

#include "sample_entities.h"
#include "leak_check.h"

LEAK_CHECKED_SUITE(entity);

/* ---- helpers ---------------------------------------------------------------------- */

static char *json_str(const char *s, size_t len, unsigned flags)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_put_json_str(&out, starch_out_reserve(&out, 0), 0, s, len, flags);
    starch_out_commit(&out, p);
    char *r = sample_strdup(starch_out_cstr(&out));
    starch_out_free(&out);
    return r;
}

#define assert_json_str(in, flags, expected)                                                       \
    do {                                                                                           \
        char *got_ = json_str(in, sizeof(in) - 1, flags);                                          \
        cr_assert_str_eq(got_, expected);                                                          \
        free(got_);                                                                                \
    } while (0)

static char *entity_json(const starch_entity_type *type, const void *v, unsigned flags)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_put_entity_json(&out, starch_out_reserve(&out, 0), 0, type, v, flags);
    starch_out_commit(&out, p);
    char *r = sample_strdup(starch_out_cstr(&out));
    starch_out_free(&out);
    return r;
}

/* ---- clear, copy, equal ------------------------------------------------------------ */

Test(entity, clear_frees_and_zeroes)
{
    Todo t;
    sample_todo(&t, 1);
    Todo_clear(&t);
    Todo zero = {0};
    cr_assert(memcmp(&t, &zero, sizeof t) == 0);
    Todo_clear(&t); /* clearing twice is harmless */
    starch_entity_clear(&Todo_type, NULL);
}

Test(entity, copy_is_deep_and_equal)
{
    Todo a, b;
    sample_todo(&a, 3);
    cr_assert_eq(starch_entity_copy(&Todo_type, &b, &a), STARCH_OK);
    cr_assert(starch_entity_equal(&Todo_type, &a, &b));
    cr_assert_neq(a.title, b.title);
    cr_assert_neq(a.tags, b.tags);
    cr_assert_neq(a.tags[1], b.tags[1]);
    cr_assert_neq(a.owner.name, b.owner.name);
    cr_assert_neq(a.notes, b.notes);
    b.notes[0].weight = 9;
    cr_assert_not(starch_entity_equal(&Todo_type, &a, &b));
    b.notes[0].weight = 0.25;
    b.tags[1][0] = 'U';
    cr_assert_not(starch_entity_equal(&Todo_type, &a, &b));
    Todo_clear(&a);
    Todo_clear(&b);
}

Test(entity, equal_null_string_is_empty_and_nan_is_nan)
{
    Todo a = {0}, b = {0};
    b.title = sample_strdup("");
    a.score = NAN;
    b.score = NAN;
    cr_assert(starch_entity_equal(&Todo_type, &a, &b));
    Todo_clear(&b);
}

Test(entity, field_lookup)
{
    cr_assert_eq(starch_entity_field(&Todo_type, "id"), 0);
    cr_assert_eq(starch_entity_field(&Todo_type, "flags"), 10);
    cr_assert_eq(starch_entity_field(&Todo_type, "nope"), -1);
    cr_assert_eq(starch_entity_field(&Todo_type, NULL), -1);
}

/* ---- JSON strings ----------------------------------------------------------------- */

Test(entity, json_str_plain_escapes)
{
    assert_json_str("", 0, "\"\"");
    assert_json_str("plain text", 0, "\"plain text\"");
    assert_json_str("a\"b\\c", 0, "\"a\\\"b\\\\c\"");
    assert_json_str("\n\r\t\b\f", 0, "\"\\n\\r\\t\\b\\f\"");
    assert_json_str("\x01\x1f\x7f", 0, "\"\\u0001\\u001f\\u007f\"");
    assert_json_str("<>&'`@$/", 0, "\"<>&'`@$/\"");
    assert_json_str("é€😀", 0, "\"é€😀\"");
    assert_json_str("\xe2\x80\xa8", 0, "\"\xe2\x80\xa8\"");
    char nul[] = {'a', 0, 'b'};
    char *got = json_str(nul, 3, 0);
    cr_assert_str_eq(got, "\"a\\u0000b\"");
    free(got);
    got = json_str(NULL, 0, 0);
    cr_assert_str_eq(got, "\"\"");
    free(got);
}

Test(entity, json_str_invalid_utf8_maximal_subparts)
{
    /* one U+FFFD per maximal invalid subpart, as the WHATWG decoder does */
    assert_json_str("\x80", 0, "\"\\ufffd\"");
    assert_json_str("a\xbf\xbf"
                    "b",
                    0, "\"a\\ufffd\\ufffdb\"");
    assert_json_str("\xc0\xaf", 0, "\"\\ufffd\\ufffd\"");            /* overlong lead */
    assert_json_str("\xe0\x80\xaf", 0, "\"\\ufffd\\ufffd\\ufffd\""); /* E0 needs A0..BF */
    assert_json_str("\xe2\x82", 0, "\"\\ufffd\"");                   /* truncated: one */
    assert_json_str("\xe2\x82x", 0, "\"\\ufffdx\"");
    assert_json_str("\xed\xa0\x80", 0, "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    assert_json_str("\xf0\x9f\x98", 0, "\"\\ufffd\"");
    assert_json_str("\xf4\x90\x80\x80", 0, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > 10FFFF */
    assert_json_str("\xf5\xff", 0, "\"\\ufffd\\ufffd\"");
    assert_json_str("\xc3", 0, "\"\\ufffd\"");
}

Test(entity, json_str_html_safe)
{
    assert_json_str("</script><!--&'`\"", STARCH_JSON_HTML_SAFE,
                    "\"\\u003c/script\\u003e\\u003c!--\\u0026\\u0027\\u0060\\u0022\"");
    assert_json_str("a\xe2\x80\xa8"
                    "b\xe2\x80\xa9"
                    "c",
                    STARCH_JSON_HTML_SAFE, "\"a\\u2028b\\u2029c\"");
    assert_json_str("\xe2\x80\xaa", STARCH_JSON_HTML_SAFE, "\"\xe2\x80\xaa\"");
    assert_json_str("@$", STARCH_JSON_HTML_SAFE, "\"@$\"");
}

Test(entity, json_str_datastar)
{
    assert_json_str("@post('/x') $count", STARCH_JSON_DATASTAR,
                    "\"\\u0040post('/x') \\u0024count\"");
    assert_json_str("<@>", STARCH_JSON_DATASTAR | STARCH_JSON_HTML_SAFE,
                    "\"\\u003c\\u0040\\u003e\"");
}

Test(entity, json_str_attr_and_no_quotes)
{
    assert_json_str("a\"b&c", STARCH_JSON_ATTR, "&#34;a\\u0022b\\u0026c&#34;");
    assert_json_str("it's <x>", STARCH_JSON_ATTR | STARCH_JSON_DATASTAR | STARCH_JSON_NO_QUOTES,
                    "it\\u0027s \\u003cx\\u003e");
    assert_json_str("a\"\n", STARCH_JSON_NO_QUOTES, "a\\\"\\n");
}

Test(entity, json_str_long_input_across_blocks)
{
    /* 3000 bytes: a 4-byte sequence straddles each 512-byte block boundary */
    char in[3001];
    for (size_t i = 0; i < 3000; i += 4)
        memcpy(in + i, i % 8 ? "\xf0\x9f\x98\x80" : "ab<\n", 4);
    in[3000] = '\0';
    char *shifted = json_str(in + 1, 2999, STARCH_JSON_HTML_SAFE);
    starch_out want;
    starch_out_init(&want);
    starch_out_puts(&want, "\"");
    for (size_t i = 0; i < 3000; i += 4)
        starch_out_puts(&want, i % 8 ? "\xf0\x9f\x98\x80" : i ? "ab\\u003c\\n" : "b\\u003c\\n");
    starch_out_puts(&want, "\"");
    cr_assert_str_eq(shifted, starch_out_cstr(&want));
    free(shifted);
    starch_out_free(&want);
}

static int collect(void *ctx, const char *data, size_t len)
{
    starch_out_write(ctx, data, len);
    return 0;
}

Test(entity, json_str_streams_through_flush)
{
    starch_out sink, out;
    starch_out_init(&sink);
    starch_out_init(&out);
    starch_out_set_flush(&out, collect, &sink);
    char big[20000];
    memset(big, '<', sizeof big);
    char *p = starch_put_json_str(&out, starch_out_reserve(&out, 0), 0, big, sizeof big,
                                  STARCH_JSON_HTML_SAFE);
    starch_out_commit(&out, p);
    starch_out_flush(&out);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_eq(starch_out_len(&sink), 2 + 6 * sizeof big);
    cr_assert(memcmp(starch_out_data(&sink) + 1, "\\u003c\\u003c", 12) == 0);
    starch_out_free(&sink);
    starch_out_free(&out);
}

Test(entity, json_numbers)
{
    char buf[32];
    *starch_fmt_json_double(buf, 0.1) = '\0';
    cr_assert_str_eq(buf, "0.1");
    *starch_fmt_json_double(buf, NAN) = '\0';
    cr_assert_str_eq(buf, "null");
    *starch_fmt_json_double(buf, INFINITY) = '\0';
    cr_assert_str_eq(buf, "null");
    *starch_put_json_double(NULL, buf, 0, -INFINITY) = '\0';
    cr_assert_str_eq(buf, "null");
    *starch_put_json_double(NULL, buf, 0, -2.5e-7) = '\0';
    cr_assert_str_eq(buf, "-2.5e-7");
}

/* ---- entity JSON out ---------------------------------------------------------------- */

Test(entity, entity_json_every_field)
{
    Todo t;
    sample_todo(&t, 1);
    char *got = entity_json(&Todo_type, &t, 0);
    cr_assert_str_eq(got, SAMPLE_TODO_1_JSON);
    free(got);
    Todo_clear(&t);
}

Test(entity, entity_json_empty)
{
    Todo t = {0};
    t.score = NAN;
    starch_out out;
    starch_out_init(&out);
    starch_entity_json(&out, &Todo_type, &t);
    cr_assert_str_eq(starch_out_cstr(&out),
                     "{\"id\":0,\"title\":\"\",\"done\":false,\"priority\":0,\"score\":null,"
                     "\"tags\":[],\"owner\":{\"name\":\"\",\"age\":0,\"admin\":false},"
                     "\"notes\":[],\"ratings\":[],\"counts\":[],\"flags\":[]}");
    starch_out_free(&out);
}

Test(entity, entity_json_attr_datastar)
{
    User u = {.name = "Ann \"A\" <@x>", .age = 3, .admin = false};
    char *got = entity_json(&User_type, &u,
                            STARCH_JSON_ATTR | STARCH_JSON_DATASTAR | STARCH_JSON_NO_QUOTES);
    cr_assert_str_eq(got, "{&#34;name&#34;:&#34;Ann \\u0022A\\u0022 \\u003c\\u0040x\\u003e&#34;,"
                          "&#34;age&#34;:3,&#34;admin&#34;:false}");
    free(got);
    got = entity_json(&User_type, &u, STARCH_JSON_HTML_SAFE);
    cr_assert_str_eq(got, "{\"name\":\"Ann \\u0022A\\u0022 \\u003c@x\\u003e\",\"age\":3,"
                          "\"admin\":false}");
    free(got);
}

Test(entity, entity_json_null_pointer_is_null)
{
    char *got = entity_json(&Todo_type, NULL, STARCH_JSON_ATTR);
    cr_assert_str_eq(got, "null");
    free(got);
    starch_error err;
    cr_assert_eq(starch_entity_from_json_text(&Todo_type, NULL, "{}", 2, 0, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "todo: no entity to read into");
}

Test(entity, entity_json_appends_after_existing_output)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_puts(&out, "data: ");
    Tag tag = {.label = "x", .weight = 1};
    starch_entity_json(&out, &Tag_type, &tag);
    cr_assert_str_eq(starch_out_cstr(&out), "data: {\"label\":\"x\",\"weight\":1}");
    starch_out_free(&out);
}

/* ---- JSON in ------------------------------------------------------------------------ */

static int read_text(void *v, const starch_entity_type *type, const char *text, unsigned mode,
                     starch_error *err)
{
    return starch_entity_from_json_text(type, v, text, strlen(text), mode, err);
}

Test(entity, json_round_trip_every_field)
{
    Todo a, b = {0};
    sample_todo(&a, 1);
    a.id = 42;
    char *text = entity_json(&Todo_type, &a, 0);
    starch_error err;
    cr_assert_eq(read_text(&b, &Todo_type, text, STARCH_READ_STRICT, &err), STARCH_OK, "%s",
                 err.message);
    cr_assert_eq(err.code, STARCH_OK);
    cr_assert(starch_entity_equal(&Todo_type, &a, &b));
    cr_assert_eq(b.counts[0], INT64_MIN);
    cr_assert_eq(b.ratings[2], 1e21);
    cr_assert_str_eq(b.tags[1], "ünïcødé");
    char *again = entity_json(&Todo_type, &b, 0);
    cr_assert_str_eq(again, text);
    free(text);
    free(again);
    Todo_clear(&a);
    Todo_clear(&b);
}

Test(entity, json_in_accepts_ints_as_reals_nulls_and_ignores_unknown_keys)
{
    Todo t = {0};
    starch_error err;
    int rc = read_text(&t, &Todo_type,
                       "{\"id\":3.0,\"title\":null,\"score\":null,\"counts\":[1e3],"
                       "\"ratings\":[2],\"extra\":{\"x\":[1]}}",
                       0, &err);
    cr_assert_eq(rc, STARCH_OK, "%s", err.message);
    cr_assert_eq(t.id, 3);
    cr_assert_null(t.title);
    cr_assert(isnan(t.score));
    cr_assert_eq(t.counts_count, 1);
    cr_assert_eq(t.counts[0], 1000);
    cr_assert_eq(t.ratings[0], 2.0);
    Todo_clear(&t);
}

Test(entity, json_in_from_jansson_value)
{
    json_t *j = json_pack("{s:s, s:i, s:b}", "name", "Bo", "age", 7, "admin", 1);
    User u = {0};
    cr_assert_eq(starch_entity_from_json(&User_type, &u, j, STARCH_READ_STRICT, NULL), STARCH_OK);
    cr_assert_str_eq(u.name, "Bo");
    cr_assert_eq(u.age, 7);
    cr_assert(u.admin);
    json_decref(j);
    User_clear(&u);
}

/* Reads text into a populated Todo, expects failure with code and message, and checks
 * that the Todo is unchanged. */
static void expect_error(const char *text, unsigned mode, int code, const char *message)
{
    Todo t, before;
    sample_todo(&t, 2);
    starch_entity_copy(&Todo_type, &before, &t);
    starch_error err;
    int rc = read_text(&t, &Todo_type, text, mode, &err);
    cr_assert_eq(rc, code, "%s: got %s (%s)", text, starch_status_name(rc), err.message);
    cr_assert_eq(err.code, code);
    cr_assert_str_eq(err.message, message);
    cr_assert(starch_entity_equal(&Todo_type, &t, &before), "target changed by %s", text);
    Todo_clear(&t);
    Todo_clear(&before);
}

Test(entity, json_in_wrong_types_name_the_path)
{
    expect_error("{\"tags\":[\"a\",\"b\",3]}", 0, STARCH_ETYPE,
                 "todo.tags[2]: expected string, got number");
    expect_error("{\"title\":\"x\",\"owner\":{\"age\":\"old\"}}", 0, STARCH_ETYPE,
                 "todo.owner.age: expected integer, got string");
    expect_error("{\"notes\":[{},{\"weight\":true}]}", 0, STARCH_ETYPE,
                 "todo.notes[1].weight: expected number, got boolean");
    expect_error("{\"done\":1}", 0, STARCH_ETYPE, "todo.done: expected boolean, got number");
    expect_error("{\"id\":1.5}", 0, STARCH_ETYPE, "todo.id: expected integer, got number");
    expect_error("{\"id\":1e300}", 0, STARCH_ETYPE, "todo.id: expected integer, got number");
    expect_error("{\"owner\":[]}", 0, STARCH_ETYPE, "todo.owner: expected object, got array");
    expect_error("{\"flags\":{}}", 0, STARCH_ETYPE, "todo.flags: expected array, got object");
    expect_error("{\"priority\":null}", 0, STARCH_ETYPE,
                 "todo.priority: expected integer, got null");
    expect_error("[1]", 0, STARCH_ETYPE, "todo: expected object, got array");
    expect_error("\"s\"", 0, STARCH_ETYPE, "todo: expected object, got string");
}

Test(entity, json_in_bad_json)
{
    expect_error("{\"id\":", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 1 column 6: unexpected token near end of file");
    expect_error("{\"id\" 1}", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 1 column 7: ':' expected near '1'");
    expect_error("", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 1 column 0: unexpected token near end of file");
    expect_error("{\"title\":\"a\\u0000b\"}", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 1 column 19: \\u0000 is not allowed without "
                 "JSON_ALLOW_NUL near '\"a\\u0000b\"'");
    expect_error("{\"id\":99999999999999999999}", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 1 column 26: too big integer near "
                 "'99999999999999999999'");
    /* the message is one line, though jansson quotes a string holding a line break */
    expect_error("{\"title\":\"\\u12\n\"}", 0, STARCH_EJSON,
                 "todo: invalid JSON at line 2 column 0: invalid escape near '\"\\u12 '");
}

Test(entity, json_in_missing_fields_default_to_zero)
{
    Todo t;
    sample_todo(&t, 2);
    starch_error err;
    cr_assert_eq(read_text(&t, &Todo_type, "{\"title\":\"only\",\"owner\":{\"age\":5}}", 0, &err),
                 STARCH_OK);
    cr_assert_str_eq(t.title, "only");
    cr_assert_eq(t.owner.age, 5);
    cr_assert_null(t.owner.name);
    cr_assert_eq(t.tags_count, 0);
    cr_assert_null(t.tags);
    cr_assert_eq(t.score, 0);
    Todo_clear(&t);
}

Test(entity, json_in_merge_keeps_what_is_absent)
{
    Todo t;
    sample_todo(&t, 2);
    starch_error err;
    int rc = read_text(&t, &Todo_type, "{\"title\":\"new\",\"owner\":{\"age\":5},\"tags\":[\"x\"]}",
                       STARCH_READ_MERGE, &err);
    cr_assert_eq(rc, STARCH_OK, "%s", err.message);
    cr_assert_str_eq(t.title, "new");
    cr_assert_eq(t.owner.age, 5);
    cr_assert_str_eq(t.owner.name, "Ada");
    cr_assert_eq(t.tags_count, 1);
    cr_assert_str_eq(t.tags[0], "x");
    cr_assert_eq(t.score, 2.5);
    cr_assert_eq(t.notes_count, 2);
    Todo_clear(&t);
}

Test(entity, json_in_strict_requires_every_field)
{
    expect_error("{\"id\":1}", STARCH_READ_STRICT, STARCH_EMISSING, "todo.title: missing");
    User u = {0};
    starch_error err;
    cr_assert_eq(read_text(&u, &User_type, "{\"name\":\"a\",\"age\":1}", STARCH_READ_STRICT, &err),
                 STARCH_EMISSING);
    cr_assert_str_eq(err.message, "user.admin: missing");
    cr_assert_null(u.name);
    Todo t = {0};
    char *text = entity_json(&Todo_type, &t, 0);
    char *cut = strstr(text, "\"age\":0,");
    memmove(cut, cut + 8, strlen(cut + 8) + 1);
    cr_assert_eq(read_text(&t, &Todo_type, text, STARCH_READ_STRICT, &err), STARCH_EMISSING);
    cr_assert_str_eq(err.message, "todo.owner.age: missing");
    free(text);
}

Test(entity, status_names)
{
    cr_assert_str_eq(starch_status_name(STARCH_OK), "STARCH_OK");
    cr_assert_str_eq(starch_status_name(STARCH_ETIMEOUT), "STARCH_ETIMEOUT");
    cr_assert_str_eq(starch_status_name(99), "STARCH_E?");
}

Test(entity, entity_json_streams_through_flush_in_chunks)
{
    Todo t;
    sample_todo(&t, 1);
    for (size_t i = 0; i < t.tags_count; i++)
        free(t.tags[i]);
    free(t.tags);
    t.tags_count = 3000;
    t.tags = calloc(t.tags_count, sizeof *t.tags);
    for (size_t i = 0; i < t.tags_count; i++)
        t.tags[i] = sample_strdup(i % 2 ? "<tag \"x\">" : "\xf0\x9f\x98\x80 ok");
    char *whole = entity_json(&Todo_type, &t, STARCH_JSON_ATTR);
    starch_out sink, out;
    starch_out_init(&sink);
    starch_out_init(&out);
    starch_out_set_flush(&out, collect, &sink);
    char *p = starch_put_entity_json(&out, starch_out_reserve(&out, 0), 0, &Todo_type, &t,
                                     STARCH_JSON_ATTR);
    starch_out_commit(&out, p);
    cr_assert_lt(out.cap, 2 * STARCH_OUT_CHUNK, "the buffer did not stay bounded");
    starch_out_flush(&out);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_str_eq(starch_out_cstr(&sink), whole);
    cr_assert_gt(strlen(whole), 3 * STARCH_OUT_CHUNK);
    free(whole);
    starch_out_free(&sink);
    starch_out_free(&out);
    Todo_clear(&t);
}

static int refuse(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return STARCH_EIO;
}

Test(entity, entity_json_after_a_failed_flush_keeps_the_error)
{
    Todo t;
    sample_todo(&t, 1);
    t.title = realloc(t.title, 20001);
    memset(t.title, '&', 20000);
    t.title[20000] = '\0';
    starch_out out;
    starch_out_init(&out);
    starch_out_set_flush(&out, refuse, NULL);
    starch_out_puts(&out, "x");
    starch_entity_json(&out, &Todo_type, &t);
    starch_entity_json(&out, &Todo_type, &t);
    cr_assert_eq(starch_out_error(&out), STARCH_EIO);
    starch_out_free(&out);
    Todo_clear(&t);
}
