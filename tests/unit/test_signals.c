/* test_signals.c — reading Datastar signals from a request: the `datastar` query
 * parameter (URL-decoded) for GET and DELETE, the JSON body for POST, PUT and PATCH, and
 * the error values for bad JSON, a missing parameter and a wrong method. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include <starch_json.h>

/* The compact JSON text of v (sorted keys), for comparisons; frees v. */
static char *dump(json_t *v)
{
    cr_assert_not_null(v);
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(v);
    return s;
}

static json_t *query(const char *q, starch_error *err)
{
    return starch_signals_from_query(q, strlen(q), err);
}

Test(signals, url_decode)
{
    char buf[64];
    const char *in = "a+b%20c%2B%2b%41%zz%4%";
    size_t n = starch_url_decode(buf, in, strlen(in));
    cr_assert_eq(n, 14);
    buf[n] = '\0';
    cr_assert_str_eq(buf, "a b c++A%zz%4%");
    char same[] = "x%3Dy";
    n = starch_url_decode(same, same, 5); /* in place */
    same[n] = '\0';
    cr_assert_str_eq(same, "x=y");
}

Test(signals, get_query_parameter)
{
    starch_error err = {.code = -1, .message = "untouched"};
    const char *q = "datastar=%7B%22input%22%3A%22hello+world%22%2C%22n%22%3A2%7D";
    char *s = dump(starch_signals_read("GET", q, strlen(q), NULL, 0, &err));
    cr_assert_str_eq(s, "{\"input\":\"hello world\",\"n\":2}");
    cr_assert_eq(err.code, -1); /* success leaves err alone */
    cr_assert_str_eq(err.message, "untouched");
    free(s);
}

Test(signals, query_parameter_among_others)
{
    starch_error err;
    char *s = dump(query("?a=1&datastarx=2&b&datastar={\"x\":[1,2]}&datastar={}", &err));
    cr_assert_str_eq(s, "{\"x\":[1,2]}"); /* the first `datastar` parameter */
    free(s);
    s = dump(query("%64atastar=%7B%7D", &err)); /* an encoded name */
    cr_assert_str_eq(s, "{}");
    free(s);
    s = dump(starch_signals_read("DELETE", "datastar={\"id\":7}", 17, NULL, 0, &err));
    cr_assert_str_eq(s, "{\"id\":7}");
    free(s);
}

Test(signals, missing_parameter)
{
    starch_error err;
    cr_assert_null(query("a=1&datastar2={}", &err));
    cr_assert_eq(err.code, STARCH_EMISSING);
    cr_assert_str_eq(err.message, "no 'datastar' query parameter");
    cr_assert_null(starch_signals_read("GET", NULL, 0, "{}", 2, &err));
    cr_assert_eq(err.code, STARCH_EMISSING);
    cr_assert_null(query("", NULL)); /* err may be NULL */
}

Test(signals, empty_parameter_is_bad_json)
{
    starch_error err;
    cr_assert_null(query("datastar", &err));
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_null(query("datastar=", &err));
    cr_assert_eq(err.code, STARCH_EJSON);
}

Test(signals, post_put_patch_body)
{
    const char *methods[] = {"POST", "PUT", "PATCH"};
    for (int i = 0; i < 3; i++) {
        starch_error err;
        const char *body = "{\"todo\":{\"title\":\"milk\",\"done\":false}}";
        char *s =
            dump(starch_signals_read(methods[i], "datastar={}", 11, body, strlen(body), &err));
        cr_assert_str_eq(s, "{\"todo\":{\"done\":false,\"title\":\"milk\"}}", "%s", methods[i]);
        free(s);
    }
}

Test(signals, bad_json_says_where)
{
    starch_error err;
    const char *body = "{\"a\": 1,\n \"b\": tru}";
    cr_assert_null(starch_signals_read("POST", NULL, 0, body, strlen(body), &err));
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_eq(err.line, 2);
    cr_assert_eq(err.column, 9);
    cr_assert_eq(err.offset, 18);
    cr_assert_str_eq(err.message,
                     "invalid JSON at line 2, column 9 (byte 18): invalid token near 'tru'");
}

Test(signals, bad_json_in_query_position_is_after_decoding)
{
    starch_error err;
    cr_assert_null(query("datastar=%7B%22a%22%3A%7D", &err)); /* {"a":} */
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 6);
    cr_assert_eq(err.offset, 6);
    cr_assert_str_eq(err.message,
                     "invalid JSON at line 1, column 6 (byte 6): unexpected token near '}'");
}

Test(signals, not_an_object)
{
    const char *bodies[] = {"[1,2]", "1", "\"x\"", "null", "true"};
    for (int i = 0; i < 5; i++) {
        starch_error err;
        cr_assert_null(starch_signals_from_json(bodies[i], strlen(bodies[i]), &err));
        cr_assert_eq(err.code, STARCH_ETYPE, "%s", bodies[i]);
        cr_assert_str_eq(err.message, "the signals are not a JSON object");
    }
}

Test(signals, empty_or_null_body)
{
    starch_error err;
    cr_assert_null(starch_signals_read("POST", NULL, 0, NULL, 0, &err));
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_str_eq(err.message,
                     "invalid JSON at line 1, column 0 (byte 0): unexpected token near end of "
                     "file");
}

Test(signals, wrong_method)
{
    starch_error err;
    cr_assert_null(starch_signals_read("HEAD", "datastar={}", 11, "{}", 2, &err));
    cr_assert_eq(err.code, STARCH_EINVAL);
    cr_assert_str_eq(err.message, "HTTP method 'HEAD' carries no Datastar signals (GET and "
                                  "DELETE send them in the query, POST, PUT and PATCH in the "
                                  "body)");
    cr_assert_null(starch_signals_read("get", "datastar={}", 11, NULL, 0, &err));
    cr_assert_eq(err.code, STARCH_EINVAL);
    cr_assert_null(starch_signals_read(NULL, NULL, 0, NULL, 0, &err));
    cr_assert_eq(err.code, STARCH_EINVAL);
}

Test(signals, invalid_utf8_and_nul_are_errors_not_crashes)
{
    starch_error err;
    cr_assert_null(starch_signals_from_json("{\"a\":\"\xff\"}", 9, &err));
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_null(starch_signals_from_json("{\"a\":\0}", 7, &err));
    cr_assert_eq(err.code, STARCH_EJSON);
    cr_assert_null(query("datastar=%7B%00%7D", &err));
    cr_assert_eq(err.code, STARCH_EJSON);
}
