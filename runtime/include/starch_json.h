/* starch_json.h — JSON reading and Datastar signals (libstarch_json, on jansson).
 *
 * Entities from JSON text or jansson values, the signals of a Datastar request as a
 * jansson object or straight into an entity. Errors follow starch.h's convention.
 */
#ifndef STARCH_JSON_H
#define STARCH_JSON_H

#include "starch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * JSON input
 *
 *   Todo t = {0};
 *   starch_error err;
 *   if (starch_entity_from_json_text(&Todo_type, &t, body, len, STARCH_READ_STRICT, &err))
 *       return reply_400(err.message);      // "todo.done: expected boolean, got string"
 *   ...
 *   Todo_clear(&t);
 *
 * Parsing is jansson's. A field's JSON value must have its kind: a number for int (an
 * integral one) and float, true/false for bool, a string or null for string, an object for
 * an entity, an array for T[]; null is also accepted for a float (NaN, as written). Keys
 * the type does not name are ignored. What an absent field becomes depends on the mode:
 * by default its zero value; with STARCH_READ_MERGE the value the target already has
 * ("fill what is present"); with STARCH_READ_STRICT it is an error. The result is built
 * aside and moved into the target only on success: on any error the target is untouched
 * and nothing leaks. Error paths name the field from the type's name in lower camel case:
 * `todo.tags[2]: expected string, got number`, `todo: invalid JSON at line 1 column 5: …`.
 * ====================================================================================== */

/** Reading mode: an absent field (at any depth) is an error (STARCH_EMISSING). */
#define STARCH_READ_STRICT 1u
/** Reading mode: an absent field keeps the target's current value. */
#define STARCH_READ_MERGE  2u

struct json_t; /* jansson's value type: include <jansson.h> to make one */

/** Reads the entity from a jansson value into *value (which must be a valid entity of
 *  type: zeroed, or holding values it owns). Returns STARCH_OK, or an error (STARCH_ETYPE,
 *  STARCH_EMISSING, STARCH_ENOMEM) with *value untouched. json is borrowed. */
int starch_entity_from_json(const starch_entity_type *type, void *value, const struct json_t *json,
                            unsigned mode, starch_error *err);

/** Same, from JSON text text[0..len). Invalid JSON gives STARCH_EJSON with line and column. */
int starch_entity_from_json_text(const starch_entity_type *type, void *value, const char *text,
                                 size_t len, unsigned mode, starch_error *err);

/* ======================================================================================
 * Datastar signals from a request
 *
 *   #include <jansson.h>
 *   starch_error err;
 *   json_t *signals = starch_signals_read(method, query, strlen(query), body, body_len, &err);
 *   if (signals == NULL)
 *       return respond(400, err.message);   // e.g. "invalid JSON at line 1, column 9 ..."
 *   json_int_t count = json_integer_value(json_object_get(signals, "count"));
 *   json_decref(signals);
 *
 * The Datastar client sends its signals as JSON: in the `datastar` query parameter for
 * GET and DELETE, as the request body for POST, PUT and PATCH. The result is a jansson
 * object (https://jansson.readthedocs.io) owned by the caller, who frees it with
 * json_decref. On failure the functions return NULL and, when err is not NULL, fill it.
 * ====================================================================================== */

/* Errors: STARCH_EINVAL (a method that carries no signals: not GET, DELETE, POST, PUT or
 * PATCH), STARCH_EMISSING (GET or DELETE without a `datastar` query parameter),
 * STARCH_EJSON (not valid JSON: err's line, column and offset say where, the offset in
 * the URL-decoded text), STARCH_ETYPE (valid JSON, but not an object), STARCH_ENOMEM. */

/** Reads the signals of a request: from the `datastar` parameter of query[0..query_len)
 *  (the URL's query string, after the '?') for method GET and DELETE, from
 *  body[0..body_len) for POST, PUT and PATCH (method compared exactly). The unused one may
 *  be NULL. Returns a new JSON object (caller frees with json_decref) or NULL. */
struct json_t *starch_signals_read(const char *method, const char *query, size_t query_len,
                                   const char *body, size_t body_len, starch_error *err);

/** Reads the signals from the `datastar` parameter of the query string query[0..len)
 *  (a leading '?' is skipped): the first such parameter is URL-decoded (`+` is a space,
 *  `%XX` a byte; a `%` without two hex digits stays as it is) and parsed. */
struct json_t *starch_signals_from_query(const char *query, size_t len, starch_error *err);

/** Parses JSON text json[0..len) (a body, or an already-decoded parameter), which must
 *  be an object. */
struct json_t *starch_signals_from_json(const char *json, size_t len, starch_error *err);

/** URL-decodes src[0..len) into dst (room for len bytes; may be src itself) as
 *  starch_signals_from_query does; returns the decoded length. */
size_t starch_url_decode(char *dst, const char *src, size_t len);

/* ======================================================================================
 * Datastar signals into an entity
 *
 *   // <form data-signals="{title: '', filter: 'all'}" data-on:submit="@post('/todos')">
 *   Todo t = {0};
 *   starch_error err;
 *   if (starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, method,
 *                                  query, query_len, body, body_len, &err) != STARCH_OK)
 *       return reply_400(err.message);     // "title: expected string, got number"
 *   starch_repo_save(todos, &t, &err);     // t.title from the signals, t.id and t.done 0
 *   Todo_clear(&t);
 *
 *   // signals grouped per entity: data-signals="{draft: {title: ''}, filter: 'all'}"
 *   starch_signals_read_entity(&Todo_type, &t, "draft", STARCH_READ_MERGE, method, ...);
 *
 * The signals of a request (as starch_signals_read: the `datastar` query parameter for GET
 * and DELETE, the body for POST, PUT and PATCH) are read into an entity through its
 * descriptor, with the rules and the modes of starch_entity_from_json. The Datastar
 * client sends every signal of the page (but those starting with `_`), rarely all of an
 * entity's fields, so STARCH_READ_MERGE is the usual mode: the entity takes the fields
 * that are present and keeps its own values for the others (zero for a zeroed entity, or
 * what it held: load it from a repository first to apply an edit). STARCH_READ_STRICT
 * makes an absent field an error (`draft.title: missing`); 0 sets absent fields to zero.
 * Signals that are not fields are ignored. `group` is the dotted signal path of the
 * object to read ("draft", "form.todo"), NULL or "" for all the signals.
 *
 * Errors are values: the entity is untouched on any error (never half-filled) and nothing
 * leaks. err's message (one line: control characters, from a group too, become spaces)
 * names the signal path: `title: expected string, got number`,
 * `draft.tags[2]: expected string, got number`, `draft: missing`, `signals: invalid JSON
 * at line 1, column 9 (byte 8): ...`, `signals: no 'datastar' query parameter`.
 * ====================================================================================== */

/** Reads the signals of a request into *value (a valid entity of type: zeroed, or holding
 *  values it owns) from the object at signal path group (NULL: the root), in mode
 *  (STARCH_READ_MERGE, STARCH_READ_STRICT or 0, as starch_entity_from_json). Returns
 *  STARCH_OK, or with *value untouched: STARCH_EINVAL (a method that carries no signals,
 *  NULL type or value), STARCH_EMISSING (no `datastar` query parameter; group absent; a
 *  field absent in STARCH_READ_STRICT), STARCH_EJSON (bad JSON), STARCH_ETYPE (signals or
 *  group not an object, a field of the wrong type), STARCH_ENOMEM. */
int starch_signals_read_entity(const starch_entity_type *type, void *value, const char *group,
                               unsigned mode, const char *method, const char *query,
                               size_t query_len, const char *body, size_t body_len,
                               starch_error *err);

/** Same, from signals already parsed (starch_signals_read, starch_mhd_signals); signals
 *  is borrowed. STARCH_EINVAL when it is NULL. */
int starch_signals_to_entity(const starch_entity_type *type, void *value, const char *group,
                             unsigned mode, const struct json_t *signals, starch_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_JSON_H */
